import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../bench/webview-events';
import { CallIndex } from '../src/model/call-index';
import { FilteredView } from '../src/model/filtered-view';
import { compileFilter, NO_FILTER, type FilterSpec } from '../src/model/filters';
import { smallSession } from './support/journal-events';

function ids(index: CallIndex, spec: FilterSpec): string[] {
  const test = compileFilter(spec);
  return index.calls.filter(test).map((r) => r.callId);
}

void test('each filter narrows by its field; search words must all occur', () => {
  const index = new CallIndex();
  index.ingest(smallSession());
  assert.equal(ids(index, NO_FILTER).length, 5);
  assert.deepEqual(ids(index, { ...NO_FILTER, service: 'iam' }), ['c-2', 'c-3', 'c-4']);
  assert.deepEqual(ids(index, { ...NO_FILTER, action: 'iam:DeleteRole' }), ['c-2']);
  assert.deepEqual(ids(index, { ...NO_FILTER, outcome: 'denied' }), ['c-2']);
  assert.deepEqual(ids(index, { ...NO_FILTER, outcome: 'pending' }), ['c-4']);
  assert.deepEqual(ids(index, { ...NO_FILTER, status: '4xx' }), ['c-2']);
  assert.deepEqual(ids(index, { ...NO_FILTER, status: 'none' }), [index.calls[3]!.callId, 'c-4']);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'ROLE/new' }), ['c-3', 'c-4']);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'role/new putrole' }), ['c-4']);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'no-destructive' }), ['c-2'], 'rules are searchable');
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'req-1' }), ['c-1'], 'AWS request ids are searchable');
  assert.deepEqual(ids(index, { ...NO_FILTER, service: 'iam', outcome: 'allowed' }), []);
});

void test('the incremental view always equals a full pass, whatever the batches and filter changes', () => {
  const events = generateEvents({ calls: 3000, seed: 11 });
  const index = new CallIndex();
  const view = new FilteredView();
  const specs: FilterSpec[] = [
    NO_FILTER,
    { ...NO_FILTER, outcome: 'denied' },
    { ...NO_FILTER, service: 's3', status: '2xx' },
    { ...NO_FILTER, query: 'orders' },
    // Calls enter this one only when their response arrives, in a later batch.
    { ...NO_FILTER, status: '4xx' },
  ];
  let seed = 5;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let spec = specs[0]!;
  for (let i = 0; i < events.length;) {
    const n = 1 + Math.floor(rand() * 40);
    const { updated } = index.ingest(events.slice(i, i + n));
    i += n;
    if (rand() < 0.05) spec = specs[Math.floor(rand() * specs.length)]!;
    view.refresh(index.calls, spec, updated);
    const full = index.calls.flatMap((r, k) => (compileFilter(spec)(r) ? [k] : []));
    assert.deepEqual(view.indices, full, `after event ${i} with ${JSON.stringify(spec)}`);
  }
  assert.ok(view.positionOf(view.indices[3]!) === 3);
  assert.equal(view.positionOf(-1), -1);
});

void test('search finds request parameters: a policy name, an e-mail, a summary', () => {
  const index = new CallIndex();
  index.ingest([
    ...smallSession(),
    {
      type: 'call.request',
      ts: '2026-11-22T09:01:00.000Z',
      data: {
        callId: 'c-9',
        service: 'iam',
        operation: 'PutRolePolicy',
        actions: [{ action: 'iam:PutRolePolicy', resources: ['arn:aws:iam::123456789012:role/ops'] }],
        params: {
          RoleName: 'ops',
          PolicyName: 'deploy-s3-access',
          Tags: [{ Key: 'owner', Value: 'ops@example.com' }],
        },
      },
    },
  ]);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'deploy-s3-access' }), ['c-9']);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'OPS@example.com' }), ['c-9']);
  assert.deepEqual(ids(index, { ...NO_FILTER, query: 'inline policy' }), ['c-4'], 'approval summaries too');
});
