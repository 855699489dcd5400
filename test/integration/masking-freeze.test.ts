import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import type { StubResponse } from '../fakes/types';
import {
  type CallOutcome,
  type RawGateway,
  signedCall,
  spawnGateway,
  startTaskIn,
} from './recording-helpers';

/**
 * Issue 11, item 5: one 120 kB `-eyJ-eyJ…` value stalled every caller for seconds (400 kB: two
 * minutes). Here a 1 MB adversarial value (the JWT freeze, plus a run that a catastrophic
 * workspace pattern would backtrack on forever) goes through the real gateway in a request body
 * and in the upstream's answer, while another caller keeps making small calls. Both are compared
 * with the same call carrying a harmless 1 MB value, measured in the same test: the adversarial
 * call may cost a bounded multiple of it, and the other caller must keep getting answers.
 */
const MB = 1024 * 1024;
const K = 10;
const SLACK_MS = 3000;

const adversarial = '-eyJ'.repeat(MB / 8) + 'x'.repeat(MB / 2);
const harmless = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(MB / 27)).slice(0, MB);

void describe('a 1 MB adversarial value does not stall the gateway (real process)', () => {
  let fake: FakeAws;
  let gw: RawGateway;
  let dataDir: string;
  let task: { taskId: string; env: Record<string, string> };
  let answer: StubResponse | undefined;

  before(async () => {
    fake = await startFakeAws({
      canned: (_service, req) =>
        String(req.headers['x-amz-target'] ?? '').endsWith('.PutParameter') ? answer : undefined,
    });
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-freeze-'));
    const policyFile = join(dataDir, 'policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        description: 'freeze suite: a catastrophic workspace pattern, no ask rules',
        maskRules: [
          { id: 'backtracker', reason: 'exponential in a backtracking engine', pattern: '(x+x+)+y' },
        ],
      }),
    );
    gw = await spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--policy', policyFile],
    });
    task = await startTaskIn(dataDir, 'freeze task');
  });
  after(async () => {
    // A gateway stuck in a quadratic scan cannot run its SIGTERM handler.
    const kill = setTimeout(() => void gw.stop('SIGKILL'), 5000);
    await gw.stop();
    clearTimeout(kill);
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const creds = () => ({
    port: gw.port,
    accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
  });

  /** SSM PutParameter carrying `value` in the request, answered with it too (an answer that echoes). */
  const bigCall = (value: string): Promise<CallOutcome> => {
    answer = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Version: 1, Tier: 'Standard', Echo: { Value: value } }),
    };
    return signedCall({
      ...creds(),
      service: 'ssm',
      headers: { 'x-amz-target': 'AmazonSSM.PutParameter', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Name: '/freeze/value', Type: 'String', Overwrite: true, Value: value }),
    });
  };

  const smallCall = (): Promise<CallOutcome> =>
    signedCall({
      ...creds(),
      service: 'sts',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });

  /** Runs `big` while another caller loops small calls; returns its time and the longest wait between answers. */
  async function underLoad(
    big: () => Promise<CallOutcome>,
    deadlineMs: number,
  ): Promise<{ ms: number; outcome: CallOutcome; longestGapMs: number; smallAnswered: number }> {
    let done = false;
    let last = performance.now();
    let longestGapMs = 0;
    let smallAnswered = 0;
    let smallFailed: string | undefined;
    const other = (async () => {
      while (!done) {
        const r = await smallCall();
        if (r.status !== 200) smallFailed ??= `${r.status} ${r.body.slice(0, 200)}`;
        const now = performance.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
        smallAnswered++;
      }
    })();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_r, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the gateway stalled: no answer within ${deadlineMs} ms`)),
        deadlineMs,
      );
    });
    let stalled = false;
    try {
      const outcome = await Promise.race([big(), deadline]).catch((e: unknown) => {
        stalled = true;
        throw e;
      });
      return { ms: performance.now() - started, outcome, longestGapMs, smallAnswered };
    } finally {
      clearTimeout(timer);
      done = true;
      // A stalled gateway would never answer the small call in flight: leave it to after().
      if (!stalled) await other;
      assert.equal(smallFailed, undefined, 'a small call failed');
    }
  }

  void test('request body and answer: the same order of cost as a harmless value, and other callers keep going', async () => {
    // Warm up (first journal writes, JIT), then the harmless baseline: the best of two.
    await bigCall(harmless.slice(0, 1024));
    const base1 = await underLoad(() => bigCall(harmless), 120_000);
    const base2 = await underLoad(() => bigCall(harmless), 120_000);
    const baseline = base1.ms < base2.ms ? base1 : base2;
    assert.equal(baseline.outcome.status, 200, baseline.outcome.body.slice(0, 300));

    const bound = K * baseline.ms + SLACK_MS;
    const adv = await underLoad(() => bigCall(adversarial), bound);
    assert.equal(adv.outcome.status, 200, adv.outcome.body.slice(0, 300));
    assert.ok(adv.outcome.body.includes('-eyJ-eyJ'), 'the answer came through (nothing in it is a secret)');
    assert.ok(
      adv.ms <= bound,
      `adversarial call ${adv.ms.toFixed(0)} ms, harmless ${baseline.ms.toFixed(0)} ms`,
    );
    // Progress: the other caller never waited much longer for an answer than during the harmless call
    // (the wait that spans the adversarial call's masking counts: the loop's last call ends after it).
    assert.ok(
      adv.longestGapMs <= K * Math.max(baseline.longestGapMs, baseline.ms) + SLACK_MS,
      `the other caller waited ${adv.longestGapMs.toFixed(0)} ms (harmless: ${baseline.longestGapMs.toFixed(0)} ms)`,
    );
    // The request reached AWS intact: the gateway masks what it records, never what it forwards.
    const put = fake.received.filter((c) => String(c.headers['x-amz-target']).endsWith('.PutParameter'));
    assert.ok(
      put.length >= 4 && put.every((c) => c.verified === 'ok' && c.status === 200),
      JSON.stringify(put.map((c) => [c.verified, c.status, c.reason])),
    );
  });
});
