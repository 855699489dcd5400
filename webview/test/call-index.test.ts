import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../bench/webview-events';
import { CallIndex } from '../src/model/call-index';
import { callDurationMs } from '../src/model/call-record';
import { parseTime } from '../src/model/read-fields';
import { summarizeTask } from '../src/model/task-summary';
import type { WireEvent } from '../src/protocol';
import { smallSession, T0 } from './support/journal-events';

void test('folds request, decision, approval and response events into one record per call', () => {
  const index = new CallIndex();
  index.ingest(smallSession());
  assert.equal(index.calls.length, 5);
  const [c1, c2, c3, refused, c4] = index.calls;
  assert.equal(c1?.outcome, 'allowed');
  assert.equal(c1?.status, 200);
  assert.equal((c1?.endMs ?? NaN) - (c1?.startMs ?? NaN), 10);
  assert.equal(c2?.outcome, 'denied');
  assert.equal(c2?.rule, 'no-destructive');
  assert.equal(c2?.local, true);
  assert.equal(c3?.outcome, 'approved');
  assert.deepEqual(
    {
      state: c3?.approval?.state,
      by: c3?.approval?.decidedBy,
      via: c3?.approval?.decidedVia,
      waited: c3?.approval?.waitedMs,
      rule: c3?.approval?.rule?.id,
    },
    {
      state: 'approved',
      by: 'alice',
      via: 'airlock-cli approve pid=4242 ppid=4000 tty=/dev/pts/1 user=alice (process 4242: node airlock approve a-1)',
      waited: 6000,
      rule: 'ask-iam',
    },
  );
  assert.equal(refused?.outcome, 'refused');
  assert.equal(refused?.error?.code, 'InvalidClientTokenId');
  assert.equal(c4?.outcome, 'pending');
  assert.equal(index.task.name, 'deploy api');
  assert.deepEqual(index.counts, {
    calls: 5,
    allowed: 1,
    denied: 1,
    approved: 1,
    pending: 1,
    masked: 0,
    refused: 1,
    failed: 0,
  });
  assert.equal(index.firstMs, T0);
});

void test('a later batch updates earlier calls and reports them; counts move with them', () => {
  const events = smallSession();
  const index = new CallIndex();
  // Split between a call's request and its decision/response.
  const first = index.ingest(events.slice(0, 5));
  assert.deepEqual(first, { added: 2, updated: [] });
  assert.equal(index.calls[1]?.outcome, 'unknown');
  const second = index.ingest(events.slice(5));
  assert.equal(second.added, 3);
  assert.deepEqual(second.updated, [1]);
  assert.equal(index.calls[1]?.outcome, 'denied');
  assert.equal(index.counts.denied, 1);
});

void test('an event re-sent with a sequence number already seen is ignored', () => {
  const events = smallSession();
  const index = new CallIndex();
  index.ingest(events);
  const again = index.ingest(events.slice(3));
  assert.deepEqual(again, { added: 0, updated: [] });
  assert.equal(index.counts.calls, 5);
});

void test('unknown event types and fields of other versions are tolerated; known fields are still read', () => {
  const index = new CallIndex();
  const events: WireEvent[] = [
    {
      v: 3,
      seq: 1,
      ts: new Date(T0).toISOString(),
      type: 'call.request',
      data: {
        callId: 'x',
        service: 's3',
        operation: 'GetObject',
        actions: 'not-a-list',
        futureField: { deep: 1 },
      },
    },
    {
      v: 3,
      seq: 2,
      ts: new Date(T0 + 1).toISOString(),
      type: 'call.masked',
      data: {
        callId: 'x',
        masked: [{ where: 'response', field: 'Body.token', source: 'shape:jwt', count: 2 }],
      },
    },
    {
      v: 3,
      seq: 3,
      ts: new Date(T0 + 2).toISOString(),
      type: 'call.response',
      data: { callId: 'x', status: '200', body: '<a>1</a>', contentType: 'application/xml' },
    },
    { v: 3, seq: 4, ts: 'not a time', type: 'telemetry.sample', data: null },
    { v: 3, seq: 5, ts: new Date(T0 + 3).toISOString(), type: 'call.decision' },
  ];
  index.ingest(events);
  const r = index.calls[0]!;
  assert.equal(index.calls.length, 1);
  assert.deepEqual(r.actions, []);
  assert.equal(r.status, undefined, 'a status of the wrong type reads as absent');
  assert.deepEqual(r.responseBody, { text: '<a>1</a>', contentType: 'application/xml' });
  assert.deepEqual(
    r.masked.map((m) => [m.where, m.field, m.count]),
    [['response', 'Body.token', 2]],
  );
  assert.equal(index.counts.masked, 1);
});

void test('a live approval change from the host decides a pending call', () => {
  const index = new CallIndex();
  index.ingest(smallSession());
  const idx = index.applyApproval({
    approvalId: 'a-2',
    taskId: 't-1',
    taskName: 'deploy api',
    identity: 'dev',
    callId: 'c-4',
    service: 'iam',
    action: 'iam:PutRolePolicy',
    resources: [],
    summary: 's',
    params: {},
    requestedAt: new Date(T0 + 11_000).toISOString(),
    expiresAt: new Date(T0 + 311_000).toISOString(),
    state: 'denied',
    attempts: 2,
    decision: 'deny',
    decidedBy: 'bob',
    decidedVia: { declared: 'unknown client', address: '127.0.0.1:50001' },
    decidedAt: new Date(T0 + 14_500).toISOString(),
  });
  assert.equal(idx, 4);
  const r = index.calls[4]!;
  assert.equal(r.outcome, 'denied');
  assert.equal(r.approval?.waitedMs, 3500);
  assert.equal(r.approval?.decidedBy, 'bob');
  assert.equal(r.approval?.decidedVia, 'unknown client');
  assert.equal(index.counts.pending, 0);
  assert.equal(index.counts.denied, 2);
});

void test('counts of a generated 100,000-event session add up, in one batch or many', () => {
  const events = generateEvents({ events: 100_000, seed: 3, pendingAtEnd: true });
  const whole = summarizeTask(events).counts;
  const index = new CallIndex();
  for (let i = 0; i < events.length; i += 977) index.ingest(events.slice(i, i + 977));
  assert.deepEqual(index.counts, whole);
  const requests = events.filter((e) => e.type === 'call.request').length;
  const refusedOnly = events.filter((e) => e.type === 'call.error').length;
  assert.equal(whole.calls, requests + refusedOnly);
  assert.equal(whole.calls, whole.allowed + whole.denied + whole.approved + whole.pending + whole.refused);
  assert.equal(whole.pending, 1);
  assert.ok(whole.denied > 0 && whole.approved > 0 && whole.masked > 0 && whole.failed > 0);
});

void test('timestamps: the journal shape is read directly, other ISO forms through Date.parse', () => {
  for (const ts of [
    '2026-11-22T09:00:00.123Z',
    '1999-01-01T00:00:00.000Z',
    '2026-11-22T09:00:00Z',
    '2026-11-22T11:00:00.5+02:00',
  ])
    assert.equal(parseTime(ts), Date.parse(ts), ts);
  assert.equal(parseTime('2026-1x-22T09:00:00.123Z'), undefined);
  assert.equal(parseTime('yesterday'), undefined);
  assert.equal(parseTime(undefined), undefined);
});

void test("a call's duration is the gateway's own measure (overhead + AWS), not the gap between journal writes", () => {
  const index = new CallIndex();
  index.ingest(smallSession());
  const [c1, c2, , , c4] = index.calls;
  assert.ok(c1 && c2 && c4);
  // c1 was journaled 10 ms apart, but the gateway measured 0.5 ms of its own plus 8 ms at AWS.
  assert.equal(callDurationMs(c1), 8.5);
  // Denied by Airlock itself: no AWS time at all.
  assert.equal(callDurationMs(c2), 0.4);
  assert.equal(callDurationMs(c4), undefined, 'still pending');
});
