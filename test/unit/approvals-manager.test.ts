import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApprovalError, type HoldOutcome } from '../../gateway/approvals/approval-types';
import { requestKey } from '../../gateway/approvals/request-key';
import { hold, request, settle, setup } from './support/approval-manager-fixture';

void test('approve-once lets exactly one attempt through; the approval is recorded, published and masked', async () => {
  const { m, recorded, published } = setup();
  const first = hold(m, request('k'));
  await settle();
  const [pending] = m.pending();
  assert.ok(pending);
  assert.equal(pending.state, 'pending');
  assert.equal(pending.expiresAt, '2026-05-01T12:00:50.000Z');
  assert.deepEqual(pending.params, { RoleName: 'bot', Password: '***', Nested: { SecretString: '***' } });
  assert.equal(published[0]?.type, 'approval.requested');
  assert.equal(recorded[0]?.type, 'approval.requested');

  const info = await m.decide(pending.approvalId, 'approve-once', 'bob');
  assert.equal(info.state, 'approved');
  const outcome = await first;
  assert.equal(outcome.kind, 'approved');
  assert.equal(outcome.approval.decidedBy, 'bob');
  assert.deepEqual(m.pending(), []);
  const decided = recorded.find((e) => e.type === 'approval.decided');
  assert.equal(decided?.type === 'approval.decided' && decided.data.decidedBy, 'bob');
  assert.equal(published.at(-1)?.type, 'approval.decided');

  // The same call again, after its approval was used: a new prompt, not a pass.
  const replay = hold(m, request('k'));
  await settle();
  const [again] = m.pending();
  assert.ok(again && again.approvalId !== pending.approvalId);
  await m.decide(again.approvalId, 'deny', 'bob', 'no replays');
  assert.equal((await replay).kind, 'denied');
});

void test('retries attach to the pending approval; the newest attempt gets it, older duplicates are refused', async () => {
  const { m } = setup();
  const a1 = hold(m, request('k'));
  await settle();
  const a2 = hold(m, request('k'));
  await settle();
  const [p] = m.pending();
  assert.equal(m.pending().length, 1);
  assert.equal(p?.attempts, 2);
  await m.decide(p.approvalId, 'approve-once', 'bob');
  const [o1, o2] = await Promise.all([a1, a2]);
  assert.equal(o1.kind, 'superseded');
  assert.equal(o2.kind, 'approved');
  // A different call never shares the approval.
  const other = hold(m, request('other'));
  await settle();
  assert.equal(m.pending().length, 1);
  await m.decide(m.pending()[0]!.approvalId, 'deny', 'bob');
  assert.equal((await other).kind, 'denied');
});

void test('a client that gives up leaves the approval pending; its retry takes the approval given meanwhile', async () => {
  const { m } = setup();
  const gone = new AbortController();
  const first = hold(m, request('k'), gone.signal);
  await settle();
  gone.abort();
  assert.equal((await first).kind, 'abandoned');
  const [p] = m.pending();
  assert.ok(p, 'still pending for the retry');
  await m.decide(p.approvalId, 'approve-once', 'bob');
  const retry = await m.hold(request('k'), new AbortController().signal);
  assert.equal(retry.kind, 'approved');
  // One shot: the next identical request is asked about again.
  void m.hold(request('k'), new AbortController().signal);
  await settle();
  await settle();
  assert.equal(m.pending().length, 1);
});

void test('a denial answers retries that arrive after it, without a new prompt', async () => {
  const { m, clock } = setup();
  const first = hold(m, request('k'));
  await settle();
  await m.decide(m.pending()[0]!.approvalId, 'deny', 'bob', 'not today');
  const o = await first;
  assert.equal(o.kind, 'denied');
  assert.equal(o.approval.reason, 'not today');
  const retry = await m.hold(request('k'), new AbortController().signal);
  assert.equal(retry.kind, 'denied');
  assert.deepEqual(m.pending(), []);
  // Once the decision has lingered a timeout period, the call may be asked about again.
  await clock.advance(50_000);
  void m.hold(request('k'), new AbortController().signal);
  await settle();
  await settle();
  assert.equal(m.pending().length, 1);
});

void test('nobody decides: the approval expires at its timeout, recorded with its attempts', async () => {
  const { m, clock, recorded, published } = setup();
  const first = hold(m, request('k'));
  await settle();
  await clock.advance(49_999);
  assert.equal(m.pending().length, 1);
  await clock.advance(1);
  const o: HoldOutcome = await first;
  assert.equal(o.kind, 'expired');
  assert.equal(o.kind === 'expired' && o.timeoutSeconds, 50);
  assert.deepEqual(m.pending(), []);
  const ev = recorded.find((e) => e.type === 'approval.expired');
  assert.deepEqual(
    ev?.type === 'approval.expired' && [ev.data.timeoutSeconds, ev.data.attempts, ev.data.waitedMs],
    [50, 1, 50_000],
  );
  assert.equal(published.at(-1)?.type, 'approval.expired');
  await assert.rejects(m.decide(o.approval.approvalId, 'approve-once', 'bob'), (e: unknown) => {
    assert.ok(e instanceof ApprovalError);
    assert.equal(e.code, 'NotFound');
    return true;
  });
});

void test('approve-for-task grants exactly the pairs of the call, for that task only', async () => {
  const { m } = setup();
  const first = hold(m, request('k'));
  await settle();
  await m.decide(m.pending()[0]!.approvalId, 'approve-for-task', 'bob');
  assert.equal((await first).kind, 'approved');
  const pair = { action: 'iam:createrole', resource: 'arn:aws:iam::123456789012:role/bot' };
  assert.equal(m.grantFor('task-1', [pair])?.decidedBy, 'bob');
  assert.equal(
    m.grantFor('task-1', [{ ...pair, resource: 'arn:aws:iam::123456789012:role/other' }]),
    undefined,
  );
  assert.equal(m.grantFor('task-1', [pair, { action: 'iam:PassRole', resource: '*' }]), undefined);
  assert.equal(m.grantFor('task-2', [pair]), undefined);
  await m.endTask('task-1');
  assert.equal(m.grantFor('task-1', [pair]), undefined);
});

void test('decisions: twice is refused, unknown ids are refused, ending the task denies what waits', async () => {
  const { m } = setup();
  await assert.rejects(m.decide('apr-nope', 'deny', 'bob'), /No approval apr-nope/);
  const first = hold(m, request('k'));
  await settle();
  const id = m.pending()[0]!.approvalId;
  const decisions = await Promise.allSettled([
    m.decide(id, 'approve-once', 'bob'),
    m.decide(id, 'deny', 'carol'),
  ]);
  assert.deepEqual(
    decisions.map((d) => d.status),
    ['fulfilled', 'rejected'],
  );
  assert.equal((await first).kind, 'approved');

  const waiting = hold(m, request('k2'));
  await settle();
  await m.endTask('task-1');
  const o = await waiting;
  assert.equal(o.kind, 'denied');
  assert.equal(o.approval.reason, 'the task ended');
});

void test('fail closed: an approval that cannot be recorded refuses the call and prompts nobody', async () => {
  const { m, published } = setup({ failRecord: (e) => e.type === 'approval.requested' });
  await assert.rejects(m.hold(request('k'), new AbortController().signal), /disk full/);
  assert.deepEqual(m.pending(), []);
  assert.deepEqual(published, []);
});

void test('a decision that cannot be recorded is not applied', async () => {
  const { m } = setup({ failRecord: (e) => e.type === 'approval.decided' });
  const first = hold(m, request('k'));
  await settle();
  const id = m.pending()[0]!.approvalId;
  await assert.rejects(m.decide(id, 'approve-once', 'bob'), /disk full/);
  assert.equal(m.get(id)?.state, 'pending');
  m.close();
  assert.equal((await first).kind, 'denied');
});

void test('a retry that differs from the shown request (an added header) waits for its own decision', async () => {
  const { m } = setup();
  const put = (extra: string[]): string =>
    requestKey({
      taskId: 'task-1',
      method: 'PUT',
      rawUrl: '/uploads/held/a.txt',
      rawHeaders: ['host', '127.0.0.1:4000', 'x-amz-content-sha256', 'a'.repeat(64), ...extra],
      scope: { service: 's3', region: 'us-east-1' },
      streamed: true,
    }).key;
  const shown = hold(m, request(put([]), { callId: 'c-shown' }));
  await settle();
  const grant = ['x-amz-grant-read', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'];
  const sneaky = hold(m, request(put(grant), { callId: 'c-sneaky' }));
  await settle();
  const pending = m.pending();
  assert.equal(pending.length, 2, 'the differing retry raised its own approval');
  assert.deepEqual(
    pending.map((p) => [p.callId, p.attempts]),
    [
      ['c-shown', 1],
      ['c-sneaky', 1],
    ],
  );
  await m.decide(pending[0]!.approvalId, 'approve-once', 'bob');
  assert.equal((await shown).kind, 'approved');
  assert.deepEqual(
    m.pending().map((p) => p.callId),
    ['c-sneaky'],
    'approving the shown request releases nothing else',
  );
  await m.decide(pending[1]!.approvalId, 'deny', 'bob');
  assert.equal((await sneaky).kind, 'denied');
});

void test('a decision records the control-API client it came from', async () => {
  const { m, recorded } = setup();
  const first = hold(m, request('k'));
  await settle();
  const client = {
    declared: 'airlock-cli approve pid=42 ppid=41 tty=none user=alice',
    address: '127.0.0.1:50000',
    uid: 1000,
    process: { pid: 42, command: 'node airlock approve apr-1', parent: { pid: 41, command: 'bash' } },
  };
  const info = await m.decide(m.pending()[0]!.approvalId, 'approve-once', 'alice (cli)', undefined, client);
  assert.deepEqual(info.decidedVia, client);
  assert.deepEqual((await first).approval.decidedVia, client);
  const ev = recorded.find((e) => e.type === 'approval.decided');
  assert.deepEqual(ev?.type === 'approval.decided' && ev.data.client, client);
  // The gateway's own decisions (task end) name no client.
  const waiting = hold(m, request('k2'));
  await settle();
  await m.endTask('task-1');
  await waiting;
  const auto = recorded.filter((e) => e.type === 'approval.decided').pop();
  assert.equal(auto?.type === 'approval.decided' && auto.data.client, undefined);
});
