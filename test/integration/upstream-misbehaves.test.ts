import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readJournalEvents } from '../support/journal';
import { sendSigned } from '../support/signed-request';
import {
  callStsWithin,
  recordedOutcome,
  type ScriptedStack,
  startScriptedStack,
  taskKey,
} from './scripted-stack';
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
    // Framed by the connection's close (no length, not chunked): only the reset says it was cut.
    'breaks off an answer that ends with its connection',
    (s) => {
      s.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n<GetCallerIdentityResponse>',
      );
      setTimeout(() => s.resetAndDestroy(), 100);
    },
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

/**
 * An answer framed by its connection's close (neither a length nor chunks, as HTTP/1.0 servers
 * send): whole when the connection ends, cut when it breaks. A cut one must never reach the agent,
 * or the record, as a whole 200.
 */
void describe('an answer that ends with its connection', () => {
  let s: ScriptedStack;
  before(async () => {
    s = await startScriptedStack([], 'close-framed answers');
  });
  after(async () => s?.close());

  const IDENTITY =
    '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>';

  void test('ended by the upstream: the agent gets it whole, recorded as 200', async () => {
    s.upstream.act = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n');
      socket.write(IDENTITY.slice(0, 40));
      setTimeout(() => socket.end(IDENTITY.slice(40)), 100);
    };
    const r = await callStsWithin(s, ANSWER_BOUND_MS);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, IDENTITY);
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const answer = events.filter((e) => e.type === 'call.response').at(-1);
    assert.deepEqual([answer?.data.status, answer?.data.responseBytes], [200, IDENTITY.length]);
  });

  void test('an object streamed to the agent and broken off: a broken transfer, recorded as aborted', async () => {
    const part = Buffer.alloc(256 * 1024, 0x61);
    s.upstream.act = (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n');
      socket.write(part);
      setTimeout(() => socket.resetAndDestroy(), 200);
    };
    const got = await sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      ...taskKey(s),
      service: 's3',
      method: 'GET',
      path: '/bucket/cut.bin',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }).then(
      (r) => `a whole ${r.status} of ${r.body.length} bytes`,
      (e: unknown) => `cut: ${String(e)}`,
    );
    assert.match(got, /^cut: .*aborted/);
    const outcome = await recordedOutcome(s, '/bucket/cut.bin');
    assert.equal(outcome.data.aborted, true, JSON.stringify(outcome.data));
  });
});
