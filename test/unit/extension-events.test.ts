import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ApprovalStore, type ApprovalChange } from '../../extension/approvals/approval-store';
import { EventStream, SseParser } from '../../extension/control/event-stream';
import type { ApprovalInfo, GatewayEvent } from '../../gateway/protocol';

function approval(id: string, state: ApprovalInfo['state'] = 'pending'): ApprovalInfo {
  return {
    approvalId: id,
    taskId: 't-1',
    taskName: 'fix upload lambda',
    identity: 'dev',
    callId: `c-${id}`,
    service: 'iam',
    operation: 'CreateRole',
    action: 'iam:CreateRole',
    resources: ['arn:aws:iam::123456789012:role/x'],
    summary: 'create IAM role x',
    params: {},
    requestedAt: `2026-01-01T00:00:0${id.length}Z`,
    expiresAt: '2099-01-01T00:00:00Z',
    state,
    attempts: 1,
  };
}

void test('SseParser joins data lines, skips comments and copes with any chunking', () => {
  const body = ': keep-alive\n\nevent: x\ndata: {"a":\ndata: 1}\n\ndata: {"b":2}\r\n\r\n';
  for (let cut = 0; cut <= body.length; cut++) {
    const p = new SseParser();
    const got = [...p.push(body.slice(0, cut)), ...p.push(body.slice(cut))];
    assert.deepEqual(got, ['{"a":\n1}', '{"b":2}'], `cut at ${cut}`);
  }
});

void test('ApprovalStore adds requested approvals once and removes them when decided, expired or gone', () => {
  const store = new ApprovalStore();
  const changes: ApprovalChange[] = [];
  store.onChange((c) => changes.push(c));
  store.apply({ type: 'approval.requested', approval: approval('a') });
  store.apply({ type: 'approval.requested', approval: approval('a') });
  store.apply({ type: 'approval.requested', approval: approval('bb') });
  assert.deepEqual(
    store.all.map((a) => a.approvalId),
    ['a', 'bb'],
  );
  store.apply({ type: 'approval.decided', approval: approval('a', 'approved') });
  assert.equal(store.get('a'), undefined);
  store.sync([approval('bb', 'expired'), approval('ccc')]);
  assert.deepEqual(
    store.all.map((a) => a.approvalId),
    ['ccc'],
  );
  assert.deepEqual(
    changes.map((c) => [c.added.map((a) => a.approvalId), c.removed.map((a) => a.approvalId)]),
    [
      [['a'], []],
      [['bb'], []],
      [[], ['a']],
      [['ccc'], ['bb']],
    ],
  );
});

void test('EventStream delivers events, reconnects after the stream drops, and reports a gateway without one', async () => {
  let connections = 0;
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== 'Bearer t') return void res.writeHead(401).end();
    if (req.url === '/none') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    connections++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const event: GatewayEvent = { type: 'approval.requested', approval: approval(`n${connections}`) };
    res.write(`data: ${JSON.stringify(event)}\n\n`);
    // The first connection drops after one event; the client must come back.
    if (connections === 1) setTimeout(() => res.end(), 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const seen: string[] = [];
    let opens = 0;
    const twoEvents = new Promise<void>((resolve) => {
      const stream = new EventStream(`${base}/events`, 'Bearer t', {
        onEvent: (e) => {
          if (e.type === 'approval.requested') seen.push(e.approval.approvalId);
          if (seen.length === 2) {
            stream.close();
            resolve();
          }
        },
        onOpen: () => opens++,
        onUnsupported: () => assert.fail('has a stream'),
        onError: () => undefined,
      });
      stream.start();
    });
    await twoEvents;
    assert.deepEqual(seen, ['n1', 'n2']);
    assert.equal(opens, 2, 'each (re)connection asks for a resync');

    const unsupported = await new Promise<boolean>((resolve) => {
      new EventStream(`${base}/none`, 'Bearer t', {
        onEvent: () => resolve(false),
        onOpen: () => resolve(false),
        onUnsupported: () => resolve(true),
        onError: () => undefined,
      }).start();
    });
    assert.equal(unsupported, true);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
