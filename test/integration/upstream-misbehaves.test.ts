import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readJournalEvents } from '../support/journal';
import { callStsWithin, type ScriptedStack, startScriptedStack } from './scripted-stack';
import type { UpstreamAct } from './scripted-upstream';

/** Far beyond any answer here, far below the gateway's own upstream limit (16 min). */
const ANSWER_BOUND_MS = 20_000;

const CASES: ReadonlyArray<readonly [string, UpstreamAct]> = [
  [
    'switches protocols (101)',
    (s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nxx'),
  ],
  ['resets the connection', (s) => s.resetAndDestroy()],
  ['closes without a word', (s) => s.end()],
  ['answers garbage', (s) => s.end('HELLO WORLD\r\n\r\n')],
  [
    'sends a header block past the limit',
    (s) => s.end(`HTTP/1.1 200 OK\r\nX-A: ${'a'.repeat(100_000)}\r\n\r\n`),
  ],
  [
    'cuts its body short',
    (s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100\r\n\r\n<a>');
      setTimeout(() => s.destroy(), 100);
    },
  ],
];

/** An upstream that answers anything but HTTP/1.1 as AWS speaks it: the agent still hears back, and it is on record. */
void describe('an upstream that misbehaves', () => {
  let s: ScriptedStack;
  before(async () => {
    s = await startScriptedStack([], 'misbehaving upstream');
  });
  after(async () => s?.close());

  for (const [what, act] of CASES) {
    void test(`${what}: the agent gets 502 UpstreamUnreachable, and the answer is recorded`, async () => {
      s.upstream.act = act;
      const r = await callStsWithin(s, ANSWER_BOUND_MS, { 'x-probe': what });
      assert.equal(r.status, 502, r.body);
      assert.match(r.body, /<Code>UpstreamUnreachable<\/Code>/);
      const callId = r.headers['x-amzn-requestid'];
      const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
      const answer = events.find((e) => e.type === 'call.response' && e.data.callId === callId);
      assert.equal(answer?.data.status, 502, `call ${String(callId)}: ${JSON.stringify(answer)}`);
    });
  }

  void test('every call decided above has its answer on record', async () => {
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const answered = new Set(events.filter((e) => e.type === 'call.response').map((e) => e.data.callId));
    const decided = events.filter((e) => e.type === 'call.decision').map((e) => e.data.callId as string);
    assert.equal(decided.length, CASES.length);
    assert.deepEqual(
      decided.filter((id) => !answered.has(id)),
      [],
    );
  });
});
