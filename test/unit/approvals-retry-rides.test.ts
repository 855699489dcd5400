import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApprovalManager } from '../../gateway/approvals/approval-manager';
import type { HoldOutcome } from '../../gateway/approvals/approval-types';
import { type AttemptOutcome, MAX_RIDES, RIDE_WINDOW_MS } from '../../gateway/approvals/retry-rides';
import { hold, request, settle, setup } from './support/approval-manager-fixture';

/** Approves `key` once for attempt `callId` and reports what AWS made of it. */
async function approvedThen(
  m: ApprovalManager,
  outcome: AttemptOutcome,
  key = 'k',
  callId = 'c-1',
): Promise<string> {
  const first = hold(m, request(key, { callId }));
  await settle();
  const id = m.pending()[0]!.approvalId;
  await m.decide(id, 'approve-once', 'bob');
  assert.equal((await first).kind, 'approved');
  m.attemptFinished(id, callId, outcome);
  return id;
}

/** A retry that either rides (resolves at once) or is held for a new prompt (then denied to end it). */
async function retry(m: ApprovalManager, callId: string, key = 'k'): Promise<HoldOutcome | 'prompted'> {
  const p = m.hold(request(key, { callId }), new AbortController().signal);
  await settle();
  await settle();
  const prompt = m.pending().find((a) => a.callId === callId);
  if (!prompt) return p;
  await m.decide(prompt.approvalId, 'deny', 'test');
  await p;
  return 'prompted';
}

void test('AWS answered 5xx: the retry of exactly that call rides on the approval, and the ride is recorded', async () => {
  const { m } = setup();
  const id = await approvedThen(m, { kind: 'answered', status: 500, errorCode: 'InternalError' });
  const o = await retry(m, 'c-2');
  assert.ok(o !== 'prompted' && o.kind === 'approved', 'no second prompt');
  assert.deepEqual(o.ride, { callId: 'c-1', failure: 'HTTP 500 InternalError', retry: 1 });
  assert.equal(o.approval.approvalId, id);
  assert.equal(m.get(id)?.retriesRidden, 1);
  // The retry went through and AWS answered: the approval is spent.
  m.attemptFinished(id, 'c-2', { kind: 'answered', status: 200 });
  assert.equal(await retry(m, 'c-3'), 'prompted');
});

void test('which failures let a retry ride: 5xx, 429, throttling codes, unreachable; not 4xx, not the agent or gateway', async () => {
  const rides: Array<[AttemptOutcome, boolean]> = [
    [{ kind: 'answered', status: 503, errorCode: 'SlowDown' }, true],
    [{ kind: 'answered', status: 502 }, true],
    [{ kind: 'answered', status: 429 }, true],
    [{ kind: 'answered', status: 400, errorCode: 'ThrottlingException' }, true],
    [{ kind: 'unreachable' }, true],
    [{ kind: 'answered', status: 403, errorCode: 'AccessDenied' }, false],
    [{ kind: 'answered', status: 400, errorCode: 'ValidationError' }, false],
    [{ kind: 'answered', status: 404 }, false],
    [{ kind: 'answered', status: 200 }, false],
    [{ kind: 'not-forwarded' }, false],
  ];
  for (const [outcome, expected] of rides) {
    const { m } = setup();
    await approvedThen(m, outcome);
    const o = await retry(m, 'c-2');
    assert.equal(o !== 'prompted' && o.kind === 'approved', expected, JSON.stringify(outcome));
  }
});

void test('rides are bounded: by count, by time after the failure, to the same request key, one at a time', async () => {
  {
    const { m } = setup();
    const id = await approvedThen(m, { kind: 'answered', status: 500 });
    for (let i = 1; i <= MAX_RIDES; i++) {
      const o = await retry(m, `c-r${i}`);
      assert.ok(o !== 'prompted' && o.kind === 'approved' && o.ride?.retry === i, `retry ${i} rides`);
      m.attemptFinished(id, `c-r${i}`, { kind: 'answered', status: 500 });
    }
    assert.equal(await retry(m, 'c-last'), 'prompted', `after ${MAX_RIDES} retries a human decides again`);
  }
  {
    const { m, clock } = setup();
    await approvedThen(m, { kind: 'answered', status: 500 });
    await clock.advance(RIDE_WINDOW_MS + 1);
    assert.equal(await retry(m, 'c-late'), 'prompted', 'too long after the failure');
  }
  {
    const { m } = setup();
    await approvedThen(m, { kind: 'answered', status: 500 });
    assert.equal(await retry(m, 'c-other', 'other-key'), 'prompted', 'another request never rides');
    const o = await retry(m, 'c-2');
    assert.ok(o !== 'prompted' && o.kind === 'approved', 'the ride stays for the same call');
    assert.equal(await retry(m, 'c-3'), 'prompted', 'while one retry is in flight, no other rides');
  }
  {
    const { m } = setup();
    const first = hold(m, request('k', { callId: 'c-1' }));
    await settle();
    const id = m.pending()[0]!.approvalId;
    await m.decide(id, 'approve-for-task', 'bob');
    await first;
    m.attemptFinished(id, 'c-1', { kind: 'answered', status: 500 });
    // approve-for-task has its grant for the pairs; its approval itself lets nothing ride.
    assert.equal(await retry(m, 'c-2'), 'prompted');
  }
});

void test('an approved call still in flight keeps its approval past the linger; its failure still opens the ride', async () => {
  const { m, clock } = setup();
  const first = hold(m, request('k', { callId: 'c-1' }));
  await settle();
  const id = m.pending()[0]!.approvalId;
  await m.decide(id, 'approve-once', 'bob');
  await first;
  await clock.advance(10 * 60_000); // a long upload
  assert.ok(m.get(id), 'kept while its call is in flight');
  m.attemptFinished(id, 'c-1', { kind: 'unreachable' });
  const o = await retry(m, 'c-2');
  assert.ok(o !== 'prompted' && o.kind === 'approved' && o.ride?.failure === 'AWS could not be reached');
  m.attemptFinished(id, 'c-2', { kind: 'answered', status: 200 });
  await clock.advance(RIDE_WINDOW_MS);
  assert.equal(m.get(id), undefined, 'forgotten once nothing is in flight and its time is up');
});
