import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import { type FakeAws, startFakeAws } from '../fakes';
import { awsV1 } from '../support/aws-clients';
import { type GatewayProcess, startGatewayProcess, startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { type ApprovalStack, controlFetch, startApprovalStack, TRUST_LAMBDA } from './approvals-helpers';

const createRole = (s: ApprovalStack, name: string) =>
  awsV1(
    ['iam', 'create-role', '--role-name', name, '--assume-role-policy-document', TRUST_LAMBDA],
    s.task.env,
  );

async function decide(
  s: ApprovalStack,
  approvalId: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const r = await controlFetch(s.gw, `/approvals/${approvalId}/decide`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

void describe('approve for the task on a pattern the person picked, through the real gateway', () => {
  let s: ApprovalStack;
  before(async () => {
    // The built-in policy asks before IAM writes.
    s = await startApprovalStack(['--approval-timeout', '45s']);
  });
  after(async () => s?.close());

  void test('the prompt carries real ARNs, the caller, a risk level and the trust policy readable', async () => {
    const cli = createRole(s, 'facts-bot');
    const a = await s.waitForPending((p) => p.summary.includes('facts-bot'));
    assert.deepEqual(a.resources, [`arn:aws:iam::${s.fake.accountId}:role/facts-bot`]);
    assert.match(a.caller ?? '', /^aws-cli\//);
    assert.equal(a.risk?.level, 'medium');
    assert.equal(a.grantable, true);
    const trust = a.facts?.find((f) => /Trust policy/.test(f.label));
    assert.match(trust?.value ?? '', /"Service": "lambda\.amazonaws\.com"/);
    assert.equal((await decide(s, a.approvalId, { decision: 'deny', decidedBy: 'test' })).status, 200);
    assert.notEqual((await cli).code, 0);
  });

  void test('a pattern that reaches past the resource type or another account is refused, and the call still waits', async () => {
    const cli = createRole(s, 'deploy-wide');
    const a = await s.waitForPending((p) => p.summary.includes('deploy-wide'));
    for (const resources of [
      [`arn:aws:iam::${s.fake.accountId}:*`],
      ['arn:aws:iam::*:role/deploy-*'],
      [`arn:aws:iam::${s.fake.accountId}:role/build-*`],
    ]) {
      const r = await decide(s, a.approvalId, { decision: 'approve-for-task', grant: { resources } });
      assert.equal(r.status, 400, JSON.stringify(resources));
    }
    const r = await decide(s, a.approvalId, {
      decision: 'approve-once',
      grant: { resources: [a.resources[0]] },
    });
    assert.equal(r.status, 400, 'a grant goes only with approve-for-task');
    assert.ok(
      (await s.pending()).some((p) => p.approvalId === a.approvalId),
      'still pending',
    );
    assert.equal((await decide(s, a.approvalId, { decision: 'deny', decidedBy: 'test' })).status, 200);
    assert.notEqual((await cli).code, 0);
  });

  void test('granting role/deploy-* lets CreateRole on deploy-b through with no prompt, not on prod-c', async () => {
    const first = createRole(s, 'deploy-a');
    const a = await s.waitForPending((p) => p.summary.includes('deploy-a'));
    const pattern = `arn:aws:iam::${s.fake.accountId}:role/deploy-*`;
    const r = await decide(s, a.approvalId, {
      decision: 'approve-for-task',
      decidedBy: 'test',
      grant: { resources: [pattern] },
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json as { approval: { grant?: unknown } }).approval.grant, { resources: [pattern] });
    assert.equal((await first).code, 0);

    const before = s.upstreamCount('CreateRole');
    const second = await createRole(s, 'deploy-b');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(s.upstreamCount('CreateRole'), before + 1);
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const decided = journal.find((e) => e.type === 'approval.decided' && e.data.approvalId === a.approvalId);
    assert.deepEqual(decided?.data.grant, { resources: [pattern] });
    const last = journal.filter((e) => e.type === 'call.decision').pop();
    assert.equal(last?.data.approvalId, a.approvalId);
    assert.match(
      String(last?.data.reason),
      new RegExp(`iam:CreateRole on ${pattern.replace(/[*]/g, '\\*')}`),
    );

    const third = createRole(s, 'prod-c');
    const b = await s.waitForPending((p) => p.summary.includes('prod-c'));
    assert.notEqual(b.approvalId, a.approvalId);
    assert.equal((await decide(s, b.approvalId, { decision: 'deny', decidedBy: 'test' })).status, 200);
    assert.match((await third).stderr, /AccessDenied/);
  });
});

void describe('the prompt names the account learned from the credentials (STS), with no --account-id', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  before(async () => {
    fake = await startFakeAws();
    gw = await startGatewayProcess({ upstream: fake.url, credentials: fake.credentials });
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
  });

  void test('the held call carries arn:aws:iam::<that account>:role/…, never * or an unknown marker', async () => {
    const task = await startTask(gw, ['--name', 'sts account']);
    const cli = awsV1(
      ['iam', 'create-role', '--role-name', 'sts-bot', '--assume-role-policy-document', TRUST_LAMBDA],
      task.env,
    );
    let a: ApprovalInfo | undefined;
    for (let i = 0; i < 300 && !a; i++) {
      const r = await controlFetch(gw, '/approvals');
      a = ((await r.json()) as { approvals: ApprovalInfo[] }).approvals[0];
      if (!a) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(a, 'an approval was raised');
    assert.deepEqual(a.resources, [`arn:aws:iam::${fake.accountId}:role/sts-bot`]);
    const d = await controlFetch(gw, `/approvals/${a.approvalId}/decide`, {
      method: 'POST',
      body: JSON.stringify({ decision: 'deny', decidedBy: 'test' }),
    });
    assert.equal(d.status, 200);
    assert.notEqual((await cli).code, 0);
  });
});
