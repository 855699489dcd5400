import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { readRecordedHeads } from '../../gateway/tasks/journal-heads';
import { sendSigned } from '../support/signed-request';
import { permissivePolicy } from '../support/stack';
import type { StartTaskResponse } from '../../gateway/protocol';

/**
 * Issue 12: each active task held its journal open, so at the descriptor limit `task start` and
 * `task end` failed with 500 and calls with "AWS model file not found". Here the gateway runs
 * under a limit of 256 descriptors with 300 active tasks, each of which makes a call.
 */
const FD_LIMIT = 256;
const TASKS = 300;
const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** A few connections, reused: the test's own sockets are not what it measures. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

async function control(
  gw: GatewayProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: gw.port,
        method,
        path: `/_airlock/v1${path}`,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

void describe('the gateway at its file-descriptor limit', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let policy: Awaited<ReturnType<typeof permissivePolicy>>;
  let token: string;
  before(async () => {
    fake = await startFakeAws();
    policy = await permissivePolicy();
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--account-id', fake.accountId, ...policy.args],
      fdLimit: FD_LIMIT,
    });
    token = (await readFile(join(gw.dataDir, 'control-token'), 'utf8')).trim();
  });
  after(async () => {
    agent.destroy();
    await gw?.dispose();
    await fake?.close();
    await policy?.cleanup();
  });

  void test(`${TASKS} active tasks under a limit of ${FD_LIMIT}: every start, call and end answers, every journal verifies`, async () => {
    const started = await inParallel(
      Array.from({ length: TASKS }, (_, i) => i),
      4,
      async (i) => {
        const r = await control(gw, token, 'POST', '/tasks', { name: `fd task ${i}` });
        assert.equal(r.status, 201, `task start ${i}: ${JSON.stringify(r.json)}`);
        return r.json as StartTaskResponse;
      },
    );
    // Every task is active now, and every one makes a call: their journals cannot all be open.
    const calls = await inParallel(started, 4, async (t) =>
      sendSigned({
        endpoint: t.env.AWS_ENDPOINT_URL!,
        accessKeyId: t.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: t.env.AWS_SECRET_ACCESS_KEY!,
        service: 'sts',
        headers: FORM,
        body: STS_BODY,
      }),
    );
    calls.forEach((r, i) => assert.equal(r.status, 200, `call of task ${i}: ${r.body}`));
    const ended = await inParallel(started, 4, (t) => control(gw, token, 'POST', `/tasks/${t.taskId}/end`));
    ended.forEach((r, i) => assert.equal(r.status, 200, `task end ${i}: ${JSON.stringify(r.json)}`));
    // Each chain verifies, holds the whole story in order, and ends where the gateway recorded it.
    const heads = await readRecordedHeads(gw.dataDir);
    for (const t of started) {
      const types = (await readJournalEvents(gw.dataDir, t.taskId)).map((e) => e.type);
      assert.deepEqual(types, [
        'task.started',
        'call.request',
        'call.decision',
        'call.response',
        'task.ended',
      ]);
      const file = join(gw.dataDir, 'journal', `${t.taskId}.jsonl`);
      const read = await readJournalFile(file, { recorded: heads.get(t.taskId) });
      assert.equal(read.fault, undefined);
      assert.equal(read.endFault, undefined);
      assert.equal(heads.get(t.taskId)?.seq, 5, 'the anchor of an ended task is on disk');
    }
  });
});

void describe('a gateway whose descriptors are all taken before its first call', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let policy: Awaited<ReturnType<typeof permissivePolicy>>;
  const hogs: net.Socket[] = [];
  before(async () => {
    fake = await startFakeAws();
    policy = await permissivePolicy();
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--account-id', fake.accountId, ...policy.args],
      fdLimit: 64,
    });
  });
  after(async () => {
    for (const h of hogs) h.destroy();
    await gw?.dispose();
    await fake?.close();
    await policy?.cleanup();
  });

  void test('calls are refused AWS-shaped as TooManyOpenFiles, not "model not found"; freed descriptors serve again', async () => {
    const token = (await readFile(join(gw.dataDir, 'control-token'), 'utf8')).trim();
    const one = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const started = await new Promise<StartTaskResponse>((resolve, reject) => {
      const body = JSON.stringify({ name: 'at the limit' });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: gw.port,
          method: 'POST',
          path: '/_airlock/v1/tasks',
          agent: one,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(JSON.parse(text) as StartTaskResponse));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    // The signed call goes out on a connection opened before the limit is reached.
    const call = (): Promise<{ status: number; body: string }> =>
      sendSigned({
        endpoint: started.env.AWS_ENDPOINT_URL!,
        accessKeyId: started.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: started.env.AWS_SECRET_ACCESS_KEY!,
        service: 'sts',
        headers: FORM,
        body: STS_BODY,
        agent: one,
      });
    // Idle connections take every descriptor the gateway has left.
    for (let i = 0; i < 80; i++) {
      const s = net.connect(gw.port, '127.0.0.1');
      s.on('error', () => undefined);
      hogs.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const refused = await call();
    assert.equal(refused.status, 503, refused.body);
    assert.match(refused.body, /<Code>TooManyOpenFiles<\/Code>/);
    assert.match(refused.body, /run out of file descriptors; end idle tasks .*ulimit -n/);
    assert.doesNotMatch(refused.body, /model/i);
    for (const h of hogs.splice(0)) h.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const served = await call();
    assert.equal(served.status, 200, served.body);
    one.destroy();
  });
});
