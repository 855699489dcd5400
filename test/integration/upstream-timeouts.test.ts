/**
 * Time limits around a call, with short ones set by flag so the tests take seconds: an upstream
 * that stays silent, before or in the middle of its answer, fails the call (502, recorded)
 * instead of leaving it hanging; an agent connection whose call is out at AWS is waiting, not
 * idle, so the idle limit does not cut it; a connection idle outside a call, or an upload that
 * stalls, is dropped at that limit; a body the gateway must read whole is refused at its own
 * deadline (30 s, not a flag: that test takes 30 s) however slowly its bytes keep coming.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readJournalEvents } from '../support/journal';
import { rawExchange, signedHead } from '../support/raw-wire';
import type { SentResponse } from '../support/signed-request';
import { GET_CALLER_IDENTITY } from './recording-helpers';
import {
  callStsWithin,
  recordedOutcome,
  type ScriptedStack,
  startScriptedStack,
  taskKey,
} from './scripted-stack';

/** Far beyond the limits set here, far below the defaults (16 min upstream, 2 min idle). */
const ANSWER_BOUND_MS = 20_000;

const IDENTITY_XML =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<Arn>arn:aws:iam::123456789012:user/dev</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

const callSts = (s: ScriptedStack): Promise<SentResponse> => callStsWithin(s, ANSWER_BOUND_MS);

/**
 * The status recorded for the call: by the call id the gateway's own errors carry, else (AWS's
 * answer has AWS's request id) the task's last answer. It may land just after the agent has it.
 */
async function recordedStatus(s: ScriptedStack, r: SentResponse): Promise<unknown> {
  const callId = r.headers['x-amzn-requestid'];
  for (let i = 0; ; i++) {
    const answers = (await readJournalEvents(s.gw.dataDir, s.task.taskId)).filter(
      (e) => e.type === 'call.response',
    );
    const answer = r.status === 502 ? answers.find((e) => e.data.callId === callId) : answers.at(-1);
    if (answer !== undefined || i === 50) return answer?.data.status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void describe('an upstream that goes silent (--upstream-timeout 1)', () => {
  let s: ScriptedStack;
  before(async () => {
    s = await startScriptedStack(['--upstream-timeout', '1'], 'time limits');
  });
  after(async () => s?.close());

  void test('before answering: 502 UpstreamUnreachable, on record', async () => {
    s.upstream.act = () => undefined;
    const r = await callSts(s);
    assert.equal(r.status, 502, r.body);
    assert.match(r.body, /<Code>UpstreamUnreachable<\/Code>[\s\S]*did not answer in time/);
    assert.equal(await recordedStatus(s, r), 502);
  });

  void test('in the middle of its answer: 502 UpstreamUnreachable, on record, never a hang', async () => {
    s.upstream.act = (socket) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<GetCallerIdentityResponse>',
      );
    const r = await callSts(s);
    assert.equal(r.status, 502, r.body);
    assert.match(r.body, /<Code>UpstreamUnreachable<\/Code>/);
    assert.equal(await recordedStatus(s, r), 502);
  });
});

void describe('an agent connection and the idle limit (--idle-timeout 1)', () => {
  let s: ScriptedStack;
  before(async () => {
    s = await startScriptedStack(['--idle-timeout', '1', '--upstream-timeout', '10'], 'time limits');
  });
  after(async () => s?.close());

  void test('a call AWS answers after 3 s gets its answer: waiting on AWS is not idle', async () => {
    s.upstream.act = (socket) => {
      setTimeout(() => {
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(IDENTITY_XML)}\r\n\r\n${IDENTITY_XML}`,
        );
      }, 3_000);
    };
    const r = await callSts(s);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<Account>123456789012<\/Account>/);
    assert.equal(await recordedStatus(s, r), 200);
  });

  void test('a connection silent outside a call is dropped', async () => {
    const url = new URL(s.task.env.AWS_ENDPOINT_URL!);
    const started = Date.now();
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the idle connection was kept')), ANSWER_BOUND_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    assert.ok(Date.now() - started >= 900, 'dropped before the idle limit');
  });

  void test('an upload that stalls mid-body is cut at the idle limit, and its outcome is on record', async () => {
    const head = await signedHead({
      port: s.gw.port,
      key: taskKey(s),
      service: 's3',
      method: 'PUT',
      path: '/uploads/stalled.bin',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '1000' },
    });
    const r = await rawExchange(s.gw.port, `${head}\r\n${'x'.repeat(10)}`, ANSWER_BOUND_MS);
    assert.equal(r.timedOut, false, 'the stalled upload was kept');
    const outcome = await recordedOutcome(s, '/uploads/stalled.bin');
    assert.deepEqual([outcome.data.status, outcome.data.errorCode], [400, 'MalformedRequest']);
    assert.ok(outcome.data.gatewayMs >= 900, `cut after ${outcome.data.gatewayMs} ms, before the idle limit`);
  });
});

void describe('stopping the gateway while a call is out at AWS (default limits)', () => {
  void test('the gateway exits after its grace period, and the agent hears back', async () => {
    const s = await startScriptedStack([], 'time limits');
    try {
      s.upstream.act = () => undefined;
      // The gateway's own account lookup at start was an upstream request too.
      const before = s.upstream.seen.length;
      const call = callSts(s).then(
        (r) => `answered ${r.status}`,
        (e: unknown) => `cut: ${String(e)}`,
      );
      for (let i = 0; s.upstream.seen.length === before; i++) {
        assert.ok(i < 500, 'the call never reached the upstream');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        s.gw.stop(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('the gateway kept running for a silent AWS')),
            ANSWER_BOUND_MS,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(code, 0, s.gw.stderr());
      assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
      assert.doesNotMatch(await call, /no answer within/);
    } finally {
      await s.close();
    }
  });
});

void describe('a request body trickled in (default limits)', () => {
  void test('is refused at the body deadline (30 s) though bytes keep coming: 400 RequestTimeout, on record, nothing sent on', async () => {
    const s = await startScriptedStack([], 'time limits');
    const socket = net.connect(s.gw.port, '127.0.0.1');
    let trickle: NodeJS.Timeout | undefined;
    try {
      const body = GET_CALLER_IDENTITY.body;
      // No x-amz-content-sha256: the signature covers the body, which must be read whole first.
      const head = await signedHead({
        port: s.gw.port,
        key: taskKey(s),
        service: 'sts',
        method: 'POST',
        path: '/',
        headers: { ...GET_CALLER_IDENTITY.headers, 'content-length': String(body.length) },
        body,
      });
      const forwardedBefore = s.upstream.seen.length;
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.on('error', () => undefined);
      const started = Date.now();
      socket.write(`${head}\r\n`);
      // A byte every 2 s: far inside the idle limit (2 min), far too slow to finish within 30 s.
      let sent = 0;
      trickle = setInterval(() => {
        if (sent < body.length - 1) socket.write(body[sent++]!);
      }, 2_000);
      while (!answer.includes('</ErrorResponse>')) {
        assert.ok(Date.now() - started < 45_000, `no answer after 45 s: ${JSON.stringify(answer)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 29_000, `refused after ${elapsed} ms, before the deadline`);
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /<Code>RequestTimeout<\/Code>/);
      assert.equal(s.upstream.seen.length, forwardedBefore, 'part of a body went on to AWS');
      // Refused before any decision: the refusal is the call's record, on the task its key names.
      const refusals = (await readJournalEvents(s.gw.dataDir, s.task.taskId)).filter(
        (e) => e.type === 'call.error' && e.data.code === 'RequestTimeout',
      );
      assert.equal(refusals.length, 1, JSON.stringify(refusals));
    } finally {
      clearInterval(trickle);
      socket.destroy();
      await s.close();
    }
  });
});

void describe('idle upstream connections', () => {
  let s: ScriptedStack;
  before(async () => {
    s = await startScriptedStack([], 'keep-alive');
  });
  after(async () => s?.close());

  void test('are reused, and closed by the gateway before the upstream says it would close them', async () => {
    // Node's agent ignores a server's Keep-Alive hint unless it has an idle timeout of its own:
    // a connection reused as the server closes it fails the call with ECONNRESET.
    s.upstream.act = (socket) =>
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: keep-alive\r\nKeep-Alive: timeout=2\r\n' +
          `Content-Length: ${IDENTITY_XML.length}\r\n\r\n${IDENTITY_XML}`,
      );
    // Whatever reached the upstream before (the stack's start) went on connections of their own.
    const opened = s.upstream.connections;
    const ended = s.upstream.endedByGateway.length;
    assert.equal((await callSts(s)).status, 200);
    assert.equal((await callSts(s)).status, 200);
    const answered = Date.now();
    assert.equal(s.upstream.connections - opened, 1, 'both calls on one connection');
    for (let i = 0; i < 100 && s.upstream.endedByGateway.length === ended; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const idle = (s.upstream.endedByGateway[ended] ?? Infinity) - answered;
    assert.ok(idle < 2000, `the gateway ended its idle connection after ${idle} ms (upstream: 2 s)`);
  });
});
