import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApprovalManager } from '../../gateway/approvals/approval-manager';
import {
  ApprovalError,
  type ApprovalRequest,
  type HoldOutcome,
} from '../../gateway/approvals/approval-types';
import type { EventBody } from '../../gateway/journal/events';
import type { GatewayEvent, TaskInfo } from '../../gateway/protocol';

/** A manual clock: timers fire only when the test advances time. */
class Clock {
  now = Date.parse('2026-05-01T12:00:00Z');
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  setTimer = (fn: () => void, ms: number): (() => void) => {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return () => {
      t.live = false;
    };
  };
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const t of this.timers.filter((x) => x.live && x.at <= this.now)) {
      t.live = false;
      t.fn();
    }
    await settle();
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

const TASK: TaskInfo = {
  taskId: 'task-1',
  name: 'rotate keys',
  accessKeyId: 'AKIDTASK',
  startedBy: 'alice',
  startedAt: '2026-05-01T11:00:00Z',
  expiresAt: '2026-05-01T13:00:00Z',
  state: 'active',
};

function request(key: string, extra: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    key,
    task: TASK,
    identity: 'alice',
    callId: `call-${key}`,
    service: 'iam',
    operation: 'CreateRole',
    action: 'iam:CreateRole',
    resources: ['arn:aws:iam::123456789012:role/bot'],
    pairs: [{ action: 'iam:CreateRole', resource: 'arn:aws:iam::123456789012:role/bot' }],
    summary: 'Create IAM role bot',
    params: { RoleName: 'bot', Password: 'hunter2', Nested: { SecretString: 's3cr3t' } },
    rule: { id: 'ask-iam-writes', reason: 'IAM changes' },
    ...extra,
  };
}

function setup(opts: { failRecord?: (e: EventBody) => boolean } = {}) {
  const clock = new Clock();
  const recorded: EventBody[] = [];
  const published: GatewayEvent[] = [];
  const m = new ApprovalManager({
    timeoutSeconds: () => 50,
    record: async (_task, events) => {
      await settle();
      if (events.some((e) => opts.failRecord?.(e))) throw new Error('disk full');
      recorded.push(...events);
    },
    publish: (e) => published.push(e),
    log: { log: () => undefined },
    now: () => clock.now,
    setTimer: clock.setTimer,
  });
  return { m, clock, recorded, published };
}

/** Starts holding and waits until the approval is pending (recorded and published). */
async function hold(m: ApprovalManager, req: ApprovalRequest, signal = new AbortController().signal) {
  const p = m.hold(req, signal);
  await settle();
  await settle();
  return p;
}

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
