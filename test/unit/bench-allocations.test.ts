import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapAsProfile } from '../../bench/allocations';
import { splitProfile } from '../../bench/stage-split';

const GW = 'file:///x/dist/gateway.js';
let nextId = 1;

interface Frame {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Frame[];
}

function frame(functionName: string, url: string, selfSize: number, children: Frame[] = []): Frame {
  return { id: nextId++, callFrame: { functionName, url, lineNumber: 0 }, selfSize, children };
}

void test('a heap profile tree is split by stage as a CPU profile is: bytes where samples had time', () => {
  // handleCall allocates 100 itself; below it, authenticate (verify) 300, of which 200 in an
  // unmarked helper; sealEvent (journal) 500; and Node's HTTP parser, outside any stage, 100.
  const head = frame('(root)', '', 0, [
    frame('handleCall', GW, 100, [
      frame('authenticate', GW, 100, [frame('hmac', '', 200)]),
      frame('decideCall', GW, 0, [frame('sealEvent', GW, 500)]),
    ]),
    frame('parserOnHeadersComplete', 'node:_http_common', 100),
  ]);
  const share = splitProfile(heapAsProfile(head));
  assert.equal(share.verify, 0.3);
  assert.equal(share.journal, 0.5);
  assert.equal(share.pipeline, 0.1);
  assert.equal(share['node-http'], 0.1);
  assert.equal(share.decide, 0, 'decideCall allocated nothing itself; its child is the journal');
});

void test('nodes that allocated nothing are not samples; every node keeps its children', () => {
  const head = frame('(root)', '', 0, [frame('a', GW, 0, [frame('b', GW, 7)])]);
  const p = heapAsProfile(head);
  assert.equal(p.nodes.length, 3);
  assert.deepEqual(p.timeDeltas, [7]);
  assert.equal(p.samples.length, 1);
  const root = p.nodes.find((n) => n.callFrame.functionName === '(root)');
  assert.equal(root?.children?.length, 1);
});
