import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ApprovalInfo, ListApprovalsResponse } from '../../gateway/protocol';
import { AirlockSession, eventually } from './harness/airlock-session';

// A workspace policy that asks a human before any IAM role is created (DESIGN.md section 4).
const POLICY = {
  version: 1,
  askRules: [
    { id: 'ask-create-role', reason: 'new roles change who may do what', actions: ['iam:CreateRole'] },
  ],
};
const TRUST = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`;
const createRole = (name: string): string =>
  `aws iam create-role --role-name ${name} --assume-role-policy-document ${TRUST} --output json`;

let s: AirlockSession;

before(async () => {
  s = await AirlockSession.start({ policy: POLICY });
});

after(async () => {
  await s?.stop();
});

let terminalOpen = false;

/**
 * The gateway must be up with the policy (if it refused to start, say why instead of timing out);
 * then a terminal is opened, as a user would once Airlock is ready.
 */
async function gatewayRunning(): Promise<void> {
  const running = s.workbench.statusBarItem(/Airlock · Workspace: project/);
  const failed = s.workbench.statusBarItem(/Airlock · (gateway stopped|restarting)/);
  await running.or(failed).first().waitFor({ timeout: 30_000 });
  if (await failed.isVisible()) {
    await failed.hover();
    const hover = await s.workbench.page
      .locator('.monaco-hover')
      .first()
      .innerText()
      .catch(() => '');
    assert.fail(`the gateway did not start with a workspace policy: ${hover}`);
  }
  if (!terminalOpen) {
    await s.workbench.runCommand('Terminal: Create New Terminal');
    terminalOpen = true;
  }
}

async function pendingApproval(): Promise<ApprovalInfo> {
  return eventually('a pending approval', async () => {
    const r = await s.control<ListApprovalsResponse>('GET', '/approvals');
    return r.json.approvals.find((a) => a.state === 'pending');
  });
}

void test('a call that needs approval shows a notification; Approve lets the CLI call complete', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-approved'));
  const toast = s.workbench.toast(/wants to/);
  await toast.waitFor({ timeout: 30_000 });
  assert.match(await toast.innerText(), /iam|role/i);
  await s.workbench.statusBarItem(/Airlock · Workspace: project.*1/).waitFor({ timeout: 10_000 });
  await s.workbench.screenshot('approval-notification', toast);
  await s.workbench.screenshot('approval-notification-window');
  await s.workbench.screenshot('status-bar-pending', s.workbench.page.locator('.statusbar'));

  await s.workbench.clickInToast(/wants to/, 'Approve');
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));
  assert.match(r.output, /arn:aws:iam::\d{12}:role\/e2e-approved/);
  await toast.waitFor({ state: 'hidden', timeout: 10_000 });
  assert.ok(s.fake.received.some((c) => c.operation === 'CreateRole' && c.status === 200));
});

void test('Deny makes the CLI call fail with the reason given in the editor', async () => {
  await gatewayRunning();
  const upstreamCreates = (): number => s.fake.received.filter((c) => c.operation === 'CreateRole').length;
  const before = upstreamCreates();
  const run = await s.startInTerminal(createRole('e2e-denied'));
  await s.workbench.toast(/wants to/).waitFor({ timeout: 30_000 });
  await s.workbench.clickInToast(/wants to/, 'Deny');
  await s.workbench.waitForQuickInput(/agent gets this reason/);
  await s.workbench.answerInput('not in this sprint');
  const r = await run.done;
  assert.notEqual(r.code, 0, 'the denied call fails');
  assert.match(r.output, /not in this sprint/);
  assert.equal(upstreamCreates(), before, 'nothing reached AWS');
  await s.workbench.toast(/wants to/).waitFor({ state: 'hidden', timeout: 10_000 });
});

void test('the notification disappears when the call is decided elsewhere', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-elsewhere'));
  const toast = s.workbench.toast(/wants to/);
  await toast.waitFor({ timeout: 30_000 });
  const approval = await pendingApproval();
  const decided = await s.control('POST', `/approvals/${approval.approvalId}/decide`, {
    decision: 'approve-once',
    decidedBy: 'e2e (as the CLI)',
  });
  assert.equal(decided.status, 200);
  await toast.waitFor({ state: 'hidden', timeout: 10_000 });
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));
  await s.workbench.statusBarItem(/Airlock · Workspace: project\s*$/).waitFor({ timeout: 10_000 });
});
