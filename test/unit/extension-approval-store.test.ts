import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import { ApprovalStore } from '../../extension/approvals/approval-store';

const A: ApprovalInfo = {
  approvalId: 'apr-1',
  taskId: 't-1',
  taskName: 'task',
  identity: 'alice',
  callId: 'c-1',
  service: 'iam',
  action: 'iam:CreateRole',
  resources: ['arn:aws:iam::123456789012:role/x'],
  summary: 'Create IAM role x',
  params: {},
  requestedAt: '2026-05-01T12:00:00.000Z',
  expiresAt: '2026-05-01T12:05:00.000Z',
  state: 'pending',
  attempts: 1,
};

void test('a settled approval is remembered with what the gateway said, so a late click can say who decided', () => {
  const store = new ApprovalStore();
  const removed: ApprovalInfo[] = [];
  store.onChange((c) => removed.push(...c.removed));
  store.apply({ type: 'approval.requested', approval: A });
  assert.equal(store.last('apr-1')?.state, 'pending');
  const decided = {
    ...A,
    state: 'approved' as const,
    decidedBy: 'carol (cli)',
    decidedAt: '2026-05-01T12:01:00.000Z',
  };
  store.apply({ type: 'approval.decided', approval: decided });
  assert.equal(store.get('apr-1'), undefined);
  assert.equal(store.last('apr-1')?.decidedBy, 'carol (cli)');
  // A refused late decision guesses "expired"; it does not overwrite what the gateway said.
  store.settle({ ...A, state: 'expired' });
  assert.equal(store.last('apr-1')?.state, 'approved');
  assert.deepEqual(
    removed.map((a) => a.state),
    ['approved'],
    'listeners hear of the end once',
  );
});
