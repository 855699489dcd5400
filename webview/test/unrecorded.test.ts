import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventBody } from '../../gateway/journal/events';
import type { InitMessage } from '../src/protocol';
import { statusText, toRowView } from '../src/model/row-view';
import { AppState } from '../src/state/app-state.svelte';
import { ManualFrames } from './support/frames';
import { journal, T0 } from './support/journal-events';

/** Two allowed calls without a response (at +1 s and +5 s), one answered, one denied. */
function session(): ReturnType<typeof journal> {
  const req = (callId: string, at: number): EventBody & { at: number } => ({
    at,
    type: 'call.request',
    data: {
      callId,
      arrival: 'endpoint',
      identity: 'dev',
      accessKeyId: 'AKIAAIRLOCKTEST00001',
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
  const allow = (callId: string, at: number): EventBody & { at: number } => ({
    at,
    type: 'call.decision',
    data: { callId, decision: 'allow', reason: 'ok' },
  });
  return journal('t-1', T0, [
    req('cut', 1000),
    allow('cut', 1000),
    req('done', 2000),
    allow('done', 2000),
    {
      at: 2010,
      type: 'call.response',
      data: { callId: 'done', status: 200, responseBytes: 1, gatewayMs: 1, local: false },
    },
    req('denied', 2500),
    { at: 2500, type: 'call.decision', data: { callId: 'denied', decision: 'deny', reason: 'no' } },
    req('late', 5000),
    allow('late', 5000),
  ]);
}

function statuses(init: Partial<InitMessage>): Record<string, string> {
  const app = new AppState(() => undefined, new ManualFrames());
  app.start();
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
    ...init,
  });
  app.receive({ type: 'events', taskId: 't-1', events: session() });
  const s = app.session;
  assert.ok(s);
  const out: Record<string, string> = {};
  s.calls.forEach((c, i) => {
    const row = toRowView(c, i, s.range.fromMs, Infinity, s.unrecordedBefore);
    assert.equal(statusText(c, s.unrecordedBefore), row.status);
    out[c.callId] = row.status;
  });
  return out;
}

const NOT_RECORDED = 'outcome not recorded: the gateway stopped';

void test('live, gateway running since between the calls: the earlier open call was cut off, the later one is in flight', () => {
  const got = statuses({ gatewayStartedAt: new Date(T0 + 3000).toISOString() });
  assert.deepEqual(got, { cut: NOT_RECORDED, done: '200', denied: '…', late: '…' });
});

void test('live with no gateway running, and a bundle: every open allowed call reads as not recorded', () => {
  const expected = { cut: NOT_RECORDED, done: '200', denied: '…', late: NOT_RECORDED };
  assert.deepEqual(statuses({}), expected);
  assert.deepEqual(
    statuses({ mode: 'bundle', gatewayStartedAt: new Date(T0 + 3000).toISOString() }),
    expected,
  );
});
