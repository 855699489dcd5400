import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitProfile } from '../../bench/stage-split';

const GW = 'file:///x/dist/gateway.js';

/** A profile of one root with chains of frames below it, each chain sampled for `us`. */
function profile(chains: readonly { frames: readonly [string, string][]; us: number }[]) {
  const nodes: { id: number; callFrame: { functionName: string; url: string }; children: number[] }[] = [
    { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] },
  ];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const chain of chains) {
    let parent = nodes[0]!;
    for (const [functionName, url] of chain.frames) {
      const node = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] };
      parent.children.push(node.id);
      nodes.push(node);
      parent = node;
    }
    samples.push(parent.id);
    timeDeltas.push(chain.us);
  }
  return { nodes, samples, timeDeltas };
}

void test('the innermost stage marker on a stack takes the sample, idle is left out', () => {
  const share = splitProfile(
    profile([
      {
        frames: [
          ['handleCall', GW],
          ['authenticate', GW],
          ['hmac', ''],
        ],
        us: 30,
      },
      {
        frames: [
          ['handleCall', GW],
          ['decideCall', GW],
        ],
        us: 10,
      },
      {
        frames: [
          ['flushLoop', GW],
          ['writev', ''],
        ],
        us: 20,
      },
      {
        frames: [
          ['onStreamRead', 'node:net'],
          ['writev', ''],
        ],
        us: 20,
      },
      {
        frames: [
          ['handleCall', GW],
          ['signRequest', GW],
        ],
        us: 10,
      },
      { frames: [['parserOnIncoming', 'node:_http_server']], us: 10 },
      { frames: [['(idle)', '']], us: 500 },
    ]),
  );
  assert.equal(share.verify, 0.3);
  assert.equal(share.decide, 0.1);
  assert.equal(share.journal, 0.2, 'a write the journal made is the journal’s');
  assert.equal(share['socket-write'], 0.2);
  assert.equal(share['re-sign'], 0.1);
  assert.equal(share['node-http'], 0.1);
});

void test('a function named like an Object.prototype member is no stage', () => {
  // A bundled `toString` once matched Object.prototype.toString and added a NaN "stage".
  const share = splitProfile(
    profile([
      {
        frames: [
          ['handleCall', GW],
          ['toString', GW],
        ],
        us: 10,
      },
      { frames: [['constructor', GW]], us: 10 },
    ]),
  );
  assert.deepEqual(Object.keys(share).sort(), [
    'decide',
    'forward',
    'gc',
    'identify',
    'journal',
    'mask',
    'node-http',
    'pipeline',
    're-sign',
    'socket-write',
    'verify',
  ]);
  assert.equal(share.pipeline, 0.5);
  assert.equal(share['node-http'], 0.5);
});
