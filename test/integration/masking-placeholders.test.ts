import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { startFakeAws, type FakeAws } from '../fakes';
import type { StubResponse } from '../fakes/types';
import { awsV1 } from '../support/aws-clients';
import { canary } from './masking-cases';
import { cli, type RawGateway, spawnGateway, startTaskIn } from './recording-helpers';

/**
 * Placeholders confirm no guesses across tasks or through the recording: the same secret gets
 * unrelated placeholders in two tasks, stays the same within a task across a gateway restart,
 * differs from the placeholder of the same value the agent sends, and the key behind them is
 * never recorded or exported: a bundle verifies without it.
 */
const PLACEHOLDER = /«airlock:masked:secretsmanager:SecretString:([0-9a-f]{12})»/;

void describe('masking placeholders across tasks and restarts (real process, AWS CLI v1)', () => {
  let fake: FakeAws;
  let gw: RawGateway;
  let dataDir: string;
  let policyFile: string;
  let taskA: { taskId: string; env: Record<string, string> };
  let taskB: { taskId: string; env: Record<string, string> };
  const secret = canary();
  const answer: StubResponse = {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
      Name: 'db',
      SecretString: secret,
    }),
  };

  const start = (): Promise<RawGateway> =>
    spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--policy', policyFile],
    });

  before(async () => {
    fake = await startFakeAws({
      canned: (_service, req) =>
        String(req.headers['x-amz-target'] ?? '').endsWith('.GetSecretValue') ? answer : undefined,
    });
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-placeholders-'));
    policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ description: 'placeholder suite: no ask rules' }));
    gw = await start();
    taskA = await startTaskIn(dataDir, 'task A');
    taskB = await startTaskIn(dataDir, 'task B');
  });
  after(async () => {
    await gw.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const read = async (env: Record<string, string>): Promise<string> => {
    const r = await awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'db'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(secret));
    return PLACEHOLDER.exec(r.stdout)?.[1] ?? assert.fail(`no placeholder in ${r.stdout}`);
  };

  void test('stable within a task, unrelated across tasks, the same after a restart', async () => {
    const a = await read(taskA.env);
    assert.equal(await read(taskA.env), a);
    assert.notEqual(await read(taskB.env), a);
    const oldPort = gw.port;
    await gw.stop();
    gw = await start();
    // The restarted gateway listens on a new port; the task (and its key) are the same.
    for (const t of [taskA, taskB])
      for (const [k, v] of Object.entries(t.env))
        t.env[k] = v.replaceAll(`127.0.0.1:${oldPort}`, `127.0.0.1:${gw.port}`);
    assert.equal(await read(taskA.env), a, 'a restarted gateway keeps the task’s placeholders');
  });

  void test('the same value sent by the agent is recorded under another placeholder', async () => {
    const r = await awsV1(
      [
        'secretsmanager',
        'put-secret-value',
        '--secret-id',
        fake.planted.secretName,
        '--secret-string',
        secret,
      ],
      taskA.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const journal = await readFile(join(dataDir, 'journal', `${taskA.taskId}.jsonl`), 'utf8');
    const tags = [...journal.matchAll(new RegExp(PLACEHOLDER, 'g'))].map((m) => m[1]);
    const answered = await read(taskA.env);
    assert.ok(tags.length >= 2, journal.slice(-2000));
    assert.ok(tags.includes(answered));
    assert.ok(
      tags.some((t) => t !== answered),
      'the request was recorded with its own placeholder',
    );
  });

  void test('the placeholder key is never recorded or exported; a bundle verifies without it', async () => {
    const out = join(dataDir, 'a.airlock');
    const ex = await cli(dataDir, ['export', taskA.taskId, '-o', out]);
    assert.equal(ex.code, 0, ex.stderr);
    const elsewhere = await mkdtemp(join(tmpdir(), 'airlock-verifier-'));
    try {
      const v = await cli(elsewhere, ['verify', out]);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /^verified: \d+ events/);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
    const master = await readFile(join(dataDir, 'master.key'));
    const keys = [master.toString('hex'), master.toString('base64')];
    for (const direction of ['request', 'response'])
      for (const t of [taskA, taskB]) {
        const k = createHmac('sha256', master).update(`airlock-mask-v2\n${direction}\n${t.taskId}`).digest();
        keys.push(k.toString('hex'), k.toString('base64'));
      }
    const bundle = await readFile(out);
    const stores = [
      zlib.gunzipSync(bundle.subarray(bundle.indexOf(0x0a) + 1)).toString('latin1'),
      gw.stderr(),
    ];
    for (const name of await readdir(join(dataDir, 'journal')))
      stores.push(await readFile(join(dataDir, 'journal', name), 'latin1'));
    for (const text of stores) for (const k of keys) assert.ok(!text.includes(k));
  });
});
