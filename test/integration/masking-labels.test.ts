import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { startFakeAws, type FakeAws } from '../fakes';
import type { StubResponse } from '../fakes/types';
import { awsV1, boto3 } from '../support/aws-clients';
import { assertNoCanaries, canary, type Case, catalogueCases, requestFor } from './masking-cases';
import { type RawGateway, signedCall, spawnGateway, startTaskIn } from './recording-helpers';

/**
 * Issue 11: masking failed open when the upstream labelled a JSON answer `text/html`. The same
 * canaries as masking-canary.test.ts, for every catalogue operation, with the answer labelled
 * text/html, text/plain, nothing at all, a wrong charset, or octet-stream: the agent, the journal,
 * the index, the bundle and the log never hold one in clear.
 */
const LABELS: readonly [string, (original: string) => string | undefined][] = [
  ['text/html', () => 'text/html'],
  ['text/plain', () => 'text/plain; charset=utf-8'],
  ['no content type', () => undefined],
  ['a wrong charset', (original) => `${original}; charset=utf-16`],
  ['octet-stream', () => 'application/octet-stream'],
];

function relabel(r: StubResponse, label: string | undefined): StubResponse {
  const headers = { ...r.headers };
  delete headers['content-type'];
  if (label !== undefined) headers['content-type'] = label;
  return { ...r, headers };
}

void describe('masking by operation, whatever the answer is labelled (real process, real clients)', () => {
  let fake: FakeAws;
  let gw: RawGateway;
  let dataDir: string;
  let task: { taskId: string; env: Record<string, string> };
  let current: StubResponse | undefined;
  const cases: Case[] = catalogueCases();
  const agentSaw: string[] = [];
  const everyCanary: string[] = [];

  before(async () => {
    fake = await startFakeAws({ canned: () => current });
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-labels-'));
    // No ask rules: every catalogue operation must reach the fake without a human.
    const policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ description: 'label suite: no deny or ask rules' }));
    gw = await spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--policy', policyFile],
    });
    task = await startTaskIn(dataDir, 'label task');
  });
  after(async () => {
    await gw.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const [name, label] of LABELS) {
    void test(`every catalogue response field, the answer labelled ${name}: masked, never in clear`, async () => {
      assert.ok(cases.length >= 40);
      for (const base of cases) {
        const c = { ...base, canaries: base.canaries.map(() => canary()) };
        let body = base.response.rawBody
          ? zlib.gunzipSync(base.response.rawBody).toString()
          : base.response.body;
        base.canaries.forEach((old, i) => {
          const fresh = c.canaries[i] ?? old;
          body = body
            .replaceAll(old, fresh)
            .replaceAll(Buffer.from(old).toString('base64'), Buffer.from(fresh).toString('base64'));
        });
        everyCanary.push(...c.canaries);
        const response: StubResponse = base.gzip
          ? { ...base.response, body: '', rawBody: zlib.gzipSync(body) }
          : { ...base.response, body };
        current = relabel(response, label(base.response.headers['content-type'] ?? ''));
        const r = await signedCall({
          port: gw.port,
          accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
          service: c.service.signingName,
          ...requestFor(c.service, c.operation),
        }).finally(() => (current = undefined));
        const text = c.gzip && r.status === 200 ? zlib.gunzipSync(r.raw).toString() : r.body;
        agentSaw.push(text);
        const where = `${c.service.id}:${c.operation} labelled ${name}`;
        assert.equal(r.status, 200, `${where}: ${r.body.slice(0, 300)}`);
        for (const k of c.canaries) {
          assert.ok(!text.includes(k), `${where} leaked ${k}`);
          assert.ok(!text.includes(Buffer.from(k).toString('base64')), `${where} leaked base64 ${k}`);
        }
        const decoded = text.replace(/[A-Za-z0-9+/]{20,}={0,2}/g, (b64) =>
          Buffer.from(b64, 'base64').toString('latin1'),
        );
        assert.match(text + decoded, /«airlock:masked:/, `${where} shows no placeholder`);
      }
    });
  }

  void test('real clients read the masked answers whatever the label (CLI v1 text/html, boto3 text/plain)', async () => {
    const secret = canary();
    const plain = canary();
    everyCanary.push(secret, plain);
    current = {
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: JSON.stringify({
        ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
        Name: 'db',
        SecretString: secret,
      }),
    };
    const r = await awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'db'], task.env);
    current = undefined;
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      (JSON.parse(r.stdout) as { SecretString: string }).SecretString,
      /^«airlock:masked:secretsmanager:SecretString:[0-9a-f]{12}»$/,
    );
    agentSaw.push(r.stdout, r.stderr);
    current = {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ KeyId: 'k', Plaintext: Buffer.from(plain).toString('base64') }),
    };
    const out = await boto3(
      "result = boto3.client('kms').decrypt(CiphertextBlob=b'x')['Plaintext'].decode('utf-8', 'replace')",
      task.env,
    );
    current = undefined;
    assert.match(String(out), /^«airlock:masked:kms:Plaintext:[0-9a-f]{12}»$/);
    agentSaw.push(String(out));
  });

  void test('no canary in the journal, the sql.js index, an exported bundle, or the gateway log', async () => {
    await assertNoCanaries({ dataDir, gw, taskId: task.taskId, agentSaw, canaries: everyCanary });
  });
});
