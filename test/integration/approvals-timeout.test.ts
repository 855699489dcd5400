import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EffectivePolicyResponse } from '../../gateway/protocol';
import { awsV1 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { type ApprovalStack, followEvents, startApprovalStack, TRUST_LAMBDA } from './approvals-helpers';

void describe('approvals: nobody decides in time', () => {
  let s: ApprovalStack;
  before(async () => {
    s = await startApprovalStack(['--approval-timeout', '3s']);
  });
  after(async () => s?.close());

  void test('the gateway flag overrides the policy timeout', async () => {
    const shown = JSON.parse(
      (await s.gw.cli(['policy', 'show', '--effective'])).stdout,
    ) as EffectivePolicyResponse;
    assert.equal(shown.source.kind, 'default');
    assert.equal(shown.approvalTimeoutSeconds, 3);
    assert.equal(shown.policy.approvalTimeoutSeconds, 50);
  });

  void test('a held iam create-role gets AccessDenied "approval timed out after 3 s", recorded as expired', async () => {
    const events = await followEvents(s.gw);
    try {
      const before = s.upstreamCount('CreateRole');
      const r = await awsV1(
        ['iam', 'create-role', '--role-name', 'slow-bot', '--assume-role-policy-document', TRUST_LAMBDA],
        s.task.env,
      );
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /AccessDenied/);
      assert.match(
        r.stderr,
        /Airlock denied iam:CreateRole on arn:aws:iam::123456789012:role\/slow-bot: approval timed out after 3 s/,
      );
      assert.equal(s.upstreamCount('CreateRole'), before);
      assert.deepEqual(await s.pending(), []);

      const expired = await events.next((e) => e.type === 'approval.expired');
      assert.equal(expired.type === 'approval.expired' && expired.approval.state, 'expired');
      const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
      const ev = journal.find((e) => e.type === 'approval.expired');
      assert.equal(ev?.data.timeoutSeconds, 3);
      assert.equal(ev?.data.attempts, 1);
      assert.ok(Number(ev?.data.waitedMs) >= 3000);
      const decision = journal.filter((e) => e.type === 'call.decision').pop();
      assert.equal(decision?.data.decision, 'deny');
      assert.equal(decision?.data.approvalId, ev?.data.approvalId);
      assert.equal(journal.filter((e) => e.type === 'approval.decided').length, 0);
    } finally {
      events.stop();
    }
  });

  void test('after expiry the same call asks again instead of failing silently', async () => {
    const first = (await readJournalEvents(s.gw.dataDir, s.task.taskId)).filter(
      (e) => e.type === 'approval.requested',
    );
    const cli = awsV1(
      ['iam', 'create-role', '--role-name', 'slow-bot', '--assume-role-policy-document', TRUST_LAMBDA],
      s.task.env,
    );
    const a = await s.waitForPending((p) => p.summary.includes('slow-bot'));
    assert.ok(!first.some((e) => e.data.approvalId === a.approvalId));
    assert.equal(await s.decide(a.approvalId, 'approve-once'), 200);
    assert.equal((await cli).code, 0);
  });
});
