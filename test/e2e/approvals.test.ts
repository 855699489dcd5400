import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import type { ApprovalInfo, ListApprovalsResponse } from '../../gateway/protocol';
import { AirlockSession, eventually } from './harness/airlock-session';

// A workspace policy that asks a human before any IAM role is created or a policy attached
// (DESIGN.md section 4), with a short approval timeout so the expiry can be seen.
const TIMEOUT_SECONDS = 40;
const POLICY = {
  version: 1,
  approvalTimeoutSeconds: TIMEOUT_SECONDS,
  askRules: [
    { id: 'ask-create-role', reason: 'new roles change who may do what', actions: ['iam:CreateRole'] },
    { id: 'ask-attach', reason: 'attached policies grant permissions', actions: ['iam:AttachRolePolicy'] },
  ],
};
const TRUST = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`;
const createRole = (name: string): string =>
  `aws iam create-role --role-name ${name} --assume-role-policy-document ${TRUST} --output json`;

/** Screenshots a reviewer looks at (test/e2e/screenshots/, gitignored). */
const SHOTS = resolve(import.meta.dirname, 'screenshots');

let s: AirlockSession;

before(async () => {
  s = await AirlockSession.start({
    policy: POLICY,
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
});

after(async () => {
  await s?.stop();
});

/** The session panel shows every call (a click on its time axis, as runCommand makes, seeks the replay). */
async function showAll(panel: Frame): Promise<void> {
  const button = panel.locator('vscode-button', { hasText: 'Show all' });
  if (await button.isVisible().catch(() => false)) await button.click();
}

async function shot(name: string, target?: Locator): Promise<void> {
  const made = await s.workbench.screenshot(name, target);
  await mkdir(SHOTS, { recursive: true });
  await copyFile(made, join(SHOTS, `${name}.png`));
}

let terminalOpen = false;
let terminalHidden = false;

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
  // A terminal that was hidden does not repaint its prompt: a fresh one is ready at once.
  if (!terminalOpen || terminalHidden) {
    await s.workbench.runCommand('Terminal: Create New Terminal');
    terminalOpen = true;
    terminalHidden = false;
  } else {
    await s.workbench.runCommand('Terminal: Focus Terminal');
  }
}

async function pendingApproval(pred: (a: ApprovalInfo) => boolean = () => true): Promise<ApprovalInfo> {
  return eventually('a pending approval', async () => {
    const r = await s.control<ListApprovalsResponse>('GET', '/approvals');
    return r.json.approvals.find((a) => a.state === 'pending' && pred(a));
  });
}

/** The webview frame (two iframes deep) whose page shows `selector`. */
async function webview(selector: string, timeoutMs = 30_000): Promise<Frame> {
  return eventually(
    `a webview showing ${selector}`,
    async () => {
      for (const f of s.workbench.page.frames())
        if (
          (await f
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return f;
      return undefined;
    },
    timeoutMs,
  );
}

/** "Airlock: Show Pending Approvals" → the call → `choice` (Approve, Deny, Details…). */
async function fromPendingList(summary: RegExp, choice: string): Promise<void> {
  await s.workbench.runCommand('Airlock: Show Pending Approvals');
  await s.workbench.waitForQuickInput(/Pending Approvals/);
  await s.workbench.pick(summary);
  await s.workbench.waitForQuickInput(new RegExp(choice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await s.workbench.pick(new RegExp(`^\\s*${choice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
}

async function hidePanel(): Promise<void> {
  if (await s.workbench.page.locator('.part.panel').isVisible())
    await s.workbench.runCommand('View: Hide Panel');
  terminalHidden = true;
  await s.workbench.page.waitForTimeout(500);
}

void test('the prompt is a decision: buttons, words and real ARNs; hidden, the call still shows as waiting', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-hidden'));
  const toast = s.workbench.toast(/wants to/);
  await toast.waitFor({ timeout: 30_000 });
  const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(
    buttons.filter((b) => b !== ''),
    ['Approve', 'Approve for Task…', 'Deny', 'Details'],
  );
  const text = await toast.innerText();
  assert.match(text, new RegExp(`iam:CreateRole on arn:aws:iam::${s.fake.accountId}:role/e2e-hidden`));
  assert.match(text, /task "Workspace: project"/i);
  assert.match(text, /aws-cli\//);
  assert.match(text, /Asked by rule ask-create-role: new roles change who may do what/);
  assert.match(text, /Refused automatically at .* \(in \d+ s\)/);
  await shot('approval-prompt-dark', toast);
  await shot('approval-prompt-window-dark');

  // Put away (Escape): nothing is decided, and the status bar and the Tasks view say it waits.
  await s.workbench.focusWorkbench();
  await s.workbench.page.keyboard.press('Escape');
  await toast.waitFor({ state: 'hidden', timeout: 10_000 });
  await s.workbench.statusBarItem(/Airlock · Workspace: project.*1 · \d+ s/).waitFor({ timeout: 10_000 });
  // The activity bar's badge shows without the Airlock side bar ever having been opened.
  assert.equal(
    await s.workbench.page.locator('.sidebar .pane-header', { hasText: /Waiting for You/i }).count(),
    0,
    'the Airlock side bar was not opened',
  );
  const badge = s.workbench.page
    .locator('.activitybar .action-item')
    .filter({ has: s.workbench.page.locator('.badge-content', { hasText: /^1$/ }) })
    .first();
  await badge.waitFor({ timeout: 10_000 });
  const labels = `${(await badge.getAttribute('aria-label')) ?? ''} ${(await badge.locator('.action-label').getAttribute('aria-label')) ?? ''}`;
  assert.match(labels, /Airlock/);
  await shot('approval-pending-badge-dark', s.workbench.page.locator('.activitybar'));
  await shot('status-bar-pending', s.workbench.page.locator('.statusbar'));
  // "Waiting for You" lists the call with the time left before the automatic refusal.
  await badge.click();
  const row = s.workbench.page.locator('.pane-body .monaco-list-row', {
    hasText: /Create IAM role e2e-hidden/,
  });
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.innerText(), /refused in \d+ s · iam:CreateRole/);
  const header = s.workbench.page.locator('.sidebar .pane-header', { hasText: /Waiting for You/i });
  assert.match(await header.innerText(), /first refused in \d+ s/);
  await shot('waiting-for-you-dark', s.workbench.page.locator('.sidebar'));
  assert.ok(
    (await s.control<ListApprovalsResponse>('GET', '/approvals')).json.approvals.length === 1,
    'still waiting',
  );

  await fromPendingList(/e2e-hidden/, 'Approve');
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));
  assert.match(r.output, /arn:aws:iam::\d{12}:role\/e2e-hidden/);
  assert.ok(s.fake.received.some((c) => c.operation === 'CreateRole' && c.status === 200));
  await s.workbench.statusBarItem(/Airlock · Workspace: project\s*$/).waitFor({ timeout: 10_000 });
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

void test('Approve for Task… asks which resources; a role matching the chosen pattern then goes through unasked', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-deploy-a'));
  await s.workbench.toast(/wants to/).waitFor({ timeout: 30_000 });
  await s.workbench.clickInToast(/wants to/, 'Approve for Task…');
  await s.workbench.waitForQuickInput(/on which resources/);
  await shot('approval-grant-pick-dark', s.workbench.quickInput);
  await s.workbench.pick(/role\/e2e-deploy-\*/);
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));

  const again = await s.runInTerminal(createRole('e2e-deploy-b'));
  assert.equal(again.code, 0, await s.explain(again));
  const task = await s.taskNamed('Workspace: project');
  const last = (await s.journal(task.taskId)).filter((e) => e.type === 'call.decision').pop();
  assert.match(String(last?.data.reason), /approved for the rest of the task .*role\/e2e-deploy-\*/);
  assert.equal((await s.control<ListApprovalsResponse>('GET', '/approvals')).json.approvals.length, 0);
});

void test('decided elsewhere: the prompt retires and the open details panel shows the decision at once', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-elsewhere'));
  const toast = s.workbench.toast(/wants to/);
  await toast.waitFor({ timeout: 30_000 });
  // Every command below clicks the workbench first, which would seek an open timeline: the
  // panel is put away before the details open, and no command runs while they are checked.
  await hidePanel();
  await fromPendingList(/e2e-elsewhere/, 'Details');
  const panel = await webview('section.detail .pending');
  assert.match(await panel.locator('section.detail').innerText(), /Waiting for your decision/);
  await showAll(panel);
  await s.workbench.page.waitForTimeout(500);
  await shot('approval-details-dark');
  await toast.waitFor({ timeout: 5_000 });

  const approval = await pendingApproval((a) => a.summary.includes('e2e-elsewhere'));
  const decided = await s.control('POST', `/approvals/${approval.approvalId}/decide`, {
    decision: 'approve-once',
    decidedBy: 'e2e (as the CLI)',
  });
  assert.equal(decided.status, 200);
  await toast.waitFor({ state: 'hidden', timeout: 10_000 });
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));
  await panel.locator('section.detail dd', { hasText: /approved once\s+by e2e \(as the CLI\)/ }).waitFor({
    timeout: 10_000,
  });
  assert.equal(await panel.locator('section.detail vscode-button').count(), 0, 'no live buttons left');
  await shot('approval-details-decided-elsewhere-dark');
});

void test('AdministratorAccess reads as high risk; Deny from the details panel refuses the call', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(
    'aws iam attach-role-policy --role-name e2e-hidden --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  );
  await hidePanel();
  const toast = s.workbench.toast(/HIGH RISK/);
  await toast.waitFor({ timeout: 30_000 });
  assert.match(await toast.innerText(), /AdministratorAccess: every action on every resource/);
  await shot('approval-prompt-high-risk-dark', toast);
  // Approve asks to confirm a high-risk call; cancelled, the call still waits and the prompt is back.
  await s.workbench.clickInToast(/HIGH RISK/, 'Approve');
  const dialog = s.workbench.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10_000 });
  assert.match(await dialog.innerText(), /Approve a high-risk call\?/);
  await shot('approval-high-risk-confirm-dark', dialog);
  await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await toast.waitFor({ timeout: 10_000 });
  assert.equal((await pendingApproval((a) => a.action === 'iam:AttachRolePolicy')).state, 'pending');
  await s.workbench.clickInToast(/HIGH RISK/, 'Details');
  const panel = await webview('section.detail .risk-high');
  await showAll(panel);
  await s.workbench.page.waitForTimeout(500);
  await shot('approval-details-high-risk-dark');
  await panel.locator('section.detail vscode-button', { hasText: 'Deny' }).click();
  const r = await run.done;
  assert.notEqual(r.code, 0);
  assert.match(r.output, /AccessDenied/);
  await panel.locator('section.detail dd', { hasText: /denied/ }).waitFor({ timeout: 10_000 });
});

void test('light theme: the prompt, the details panel and the Tasks view', async () => {
  await s.workbench.runCommand('Preferences: Color Theme');
  await s.workbench.waitForQuickInput(/theme/i);
  await s.workbench.answerInput('Light Modern');
  await s.workbench.page.locator('.monaco-workbench.vs').waitFor({ timeout: 10_000 });
  await gatewayRunning();
  const run = await s.startInTerminal(
    'aws iam attach-role-policy --role-name e2e-hidden --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
  );
  await hidePanel();
  const toast = s.workbench.toast(/HIGH RISK/);
  await toast.waitFor({ timeout: 30_000 });
  await shot('approval-prompt-high-risk-light', toast);
  await shot('approval-prompt-window-light');
  await s.workbench.runCommand('Airlock: Focus on Tasks View');
  const list = await webview('[aria-label="Airlock tasks, newest first"]');
  await list.locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await shot('tasks-view-light', s.workbench.page.locator('.part.sidebar'));
  // The row's context menu (webview/context, keyed on the row's data-vscode-context).
  await list.locator('.task', { hasText: 'Workspace: project' }).first().click({ button: 'right' });
  const menu = s.workbench.page.locator('.monaco-menu').first();
  await menu.waitFor({ timeout: 10_000 });
  const items = await menu.locator('.action-label').allInnerTexts();
  for (const want of ['Open Timeline', 'Export Session Bundle…', 'Copy Task Id'])
    assert.ok(
      items.some((i) => i.includes(want)),
      `${want} in ${items.join(' | ')}`,
    );
  assert.ok(!items.some((i) => i.includes('End Task')), 'the workspace task is always on');
  await shot('tasks-view-context-menu-light');
  await s.workbench.page.keyboard.press('Escape');
  await fromPendingList(/AdministratorAccess/, 'Details');
  const panel = await webview('section.detail .risk-high');
  await panel.locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await showAll(panel);
  await s.workbench.page.waitForTimeout(500);
  await shot('approval-details-light');
  // With the details pane open the list is at its narrowest: offsets and decisions still read whole.
  const clipped = await panel
    .locator('.calls .row .offset, .calls .row .outcome')
    .evaluateAll((els) =>
      els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent?.trim()),
    );
  assert.deepEqual(clipped, [], 'no clipped offset or decision in the call list');
  await panel.locator('section.detail vscode-button', { hasText: 'Deny' }).click();
  assert.notEqual((await run.done).code, 0);
});

void test('expiry: a notification says nobody answered, the agent is told so, the timeline shows "expired"', async () => {
  await gatewayRunning();
  const run = await s.startInTerminal(createRole('e2e-expires'));
  await s.workbench.toast(/wants to/).waitFor({ timeout: 30_000 });
  const notice = s.workbench.toast(/nobody answered within/);
  await notice.waitFor({ timeout: (TIMEOUT_SECONDS + 15) * 1000 });
  const buttons = (await notice.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
  assert.ok(buttons.includes('Raise Timeout…') && buttons.includes('Open Policy'), buttons.join());
  await shot('approval-expired-light', notice);
  const r = await run.done;
  assert.notEqual(r.code, 0);
  assert.match(r.output, /nobody decided in time/);
  await s.workbench.toast(/wants to/).waitFor({ state: 'hidden', timeout: 10_000 });
  await s.workbench.runCommand('Airlock: Open Timeline');
  const f = await webview('.row.o-expired');
  assert.match(await f.locator('.row.o-expired').first().innerText(), /expired/);
  await hidePanel();
  await showAll(f);
  await shot('timeline-expired-light');
});
