import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventBody, JournalEvent } from '../../gateway/journal/events';
import { NOT_RECORDED, UnansweredCalls } from '../../gateway/recording/unanswered-calls';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

function events(bodies: readonly (EventBody & { at: number })[]): JournalEvent[] {
  return bodies.map((b, i) => ({
    v: 2,
    task: 't',
    seq: i + 1,
    ts: new Date(T0 + b.at).toISOString(),
    prev: '0'.repeat(64),
    hash: 'f'.repeat(64),
    type: b.type,
    data: b.data,
  })) as JournalEvent[];
}

const req = (callId: string, at: number): EventBody & { at: number } => ({
  at,
  type: 'call.request',
  data: {
    callId,
    arrival: 'endpoint',
    identity: 'dev',
    accessKeyId: 'AKIA',
    method: 'POST',
    target: '/',
    service: 'sts',
    region: 'us-east-1',
    operation: 'GetCallerIdentity',
    protocol: 'query',
    actions: [],
    params: {},
  },
});

const journal = events([
  req('cut', 1000),
  { at: 1000, type: 'call.decision', data: { callId: 'cut', decision: 'allow', reason: 'ok' } },
  req('answered', 2000),
  {
    at: 2001,
    type: 'call.response',
    data: { callId: 'answered', status: 200, responseBytes: 0, gatewayMs: 1, local: false },
  },
  req('denied', 2500),
  { at: 2500, type: 'call.decision', data: { callId: 'denied', decision: 'deny', reason: 'no' } },
  req('refused', 2600),
  { at: 2600, type: 'call.error', data: { callId: 'refused', code: 'X', message: 'x' } },
  req('held', 2700),
  req('late', 5000),
]);

function cutOff(liveSince?: string): string[] {
  const u = new UnansweredCalls(liveSince);
  for (const e of journal) u.add(e);
  return u.result().map((c) => {
    assert.equal(c.outcome, NOT_RECORDED);
    return c.callId;
  });
}

void test('calls with a request and no outcome are named, in journal order; denied, answered and refused ones are not', () => {
  assert.deepEqual(cutOff(), ['cut', 'held', 'late']);
});

void test('with a gateway running, only calls recorded before it started were cut off', () => {
  assert.deepEqual(cutOff(new Date(T0 + 3000).toISOString()), ['cut', 'held']);
  assert.deepEqual(cutOff(new Date(T0).toISOString()), []);
});
