import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { startFakeAws, type FakeAws } from '../fakes';
import type { StubResponse } from '../fakes/types';
import { awsV1, boto3 } from '../support/aws-clients';
import { rawRequest } from '../support/signed-request';
import { assertNoCanaries, canary, type Case, catalogueCases, requestFor } from './masking-cases';
import { type RawGateway, signedCall, spawnGateway, startTaskIn } from './recording-helpers';

/**
 * Canaries: a unique secret planted in the fake upstream's answer for every response field of the
 * built-in catalogue, in secrets the agent sends, in a workspace rule's pattern, and in the
 * gateway's own credentials. None may appear in what the agent receives, in the store (journal
 * files and the sql.js index), in an exported bundle, or in the gateway's log.
 */
void describe('masking canaries end to end (real process, real clients)', () => {
  let fake: FakeAws;
  let gw: RawGateway;
  let dataDir: string;
  let policyDir: string;
  let task: { taskId: string; env: Record<string, string> };
  let current: StubResponse | undefined;
  const cases: Case[] = [];
  const agentSaw: string[] = [];
  const everyCanary: string[] = [];

  before(async () => {
    fake = await startFakeAws({ canned: () => current });
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-canary-'));
    policyDir = await mkdtemp(join(tmpdir(), 'airlock-canary-policy-'));
    const policyFile = join(policyDir, 'policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        description: 'canary suite: no deny or ask rules, one workspace mask rule',
        maskRules: [{ id: 'ticket-tokens', reason: 'internal tokens', pattern: 'TKT-[0-9]{10}' }],
      }),
    );
    gw = await spawnGateway({
      dataDir,
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--policy', policyFile],
    });
    task = await startTaskIn(dataDir, 'canary task');
    cases.push(...catalogueCases());
    everyCanary.push(...cases.flatMap((c) => c.canaries), fake.credentials.secretAccessKey);
  });
  after(async () => {
    await gw.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(policyDir, { recursive: true, force: true });
  });

  const creds = (): { accessKeyId: string; secretAccessKey: string } => ({
    accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
  });

  void test('every catalogue response field: the agent gets a placeholder, never the canary', async () => {
    assert.ok(cases.length >= 40, `${cases.length} operations`);
    assert.ok(
      cases.some((c) => c.gzip) &&
        cases.some((c) => c.service.protocol === 'query') &&
        cases.some((c) => c.service.protocol === 'ec2'),
    );
    for (const c of cases) {
      current = c.response;
      const req = requestFor(c.service, c.operation);
      const r = await signedCall({
        port: gw.port,
        ...creds(),
        service: c.service.signingName,
        ...req,
      }).finally(() => (current = undefined));
      let body = r.body;
      if (c.gzip && r.status === 200) {
        try {
          body = zlib.gunzipSync(r.raw).toString();
        } catch (e) {
          throw new Error(
            `${c.service.id}:${c.operation}: ${String(e)}; got ${r.raw.subarray(0, 60).toString('latin1')}`,
          );
        }
      }
      assert.equal(r.status, 200, `${c.service.id}:${c.operation}: ${r.body.slice(0, 300)}`);
      agentSaw.push(body);
      for (const k of c.canaries) {
        assert.ok(!body.includes(k), `${c.service.id}:${c.operation} leaked ${k}`);
        assert.ok(
          !Buffer.from(body).toString().includes(Buffer.from(k).toString('base64')),
          `${c.operation} leaked base64`,
        );
      }
      const decoded = body.replace(/[A-Za-z0-9+/]{20,}={0,2}/g, (b64) =>
        Buffer.from(b64, 'base64').toString('latin1'),
      );
      assert.match(body + decoded, /«airlock:masked:/, `${c.service.id}:${c.operation} shows no placeholder`);
    }
    current = undefined;
  });

  void test('real clients: AWS CLI v1 and boto3 parse masked answers (as AWS spells them)', async () => {
    const [secret, token, plain] = [canary(), canary(), canary()];
    everyCanary.push(secret, token, plain);
    current = {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'rid-assume' },
      body:
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser>' +
        '<AssumedRoleId>AROAEXAMPLE:canary</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/x/canary</Arn>' +
        '</AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId>' +
        `<SecretAccessKey>${secret}</SecretAccessKey><SessionToken>${token}</SessionToken>` +
        '<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>' +
        '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>',
    };
    const r = await awsV1(
      [
        'sts',
        'assume-role',
        '--role-arn',
        'arn:aws:iam::123456789012:role/x',
        '--role-session-name',
        'canary',
      ],
      task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const creds = (JSON.parse(r.stdout) as { Credentials: Record<string, string> }).Credentials;
    // An assumed role's credentials stay in the gateway: the agent gets a derived key bound to
    // that role session (issue 13), never AWS's secret or token.
    assert.match(creds.AccessKeyId ?? '', /^AKAL/);
    assert.match(creds.SecretAccessKey ?? '', /^[A-Za-z0-9+/]{40}$/);
    assert.match(creds.SessionToken ?? '', /^airlock-child-/);
    agentSaw.push(r.stdout);
    current = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        KeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
        Plaintext: Buffer.from(plain).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      }),
    };
    const out = await boto3(
      "result = boto3.client('kms').decrypt(CiphertextBlob=b'x')['Plaintext'].decode('utf-8', 'replace')",
      task.env,
    );
    current = undefined;
    assert.match(String(out), /^«airlock:masked:kms:Plaintext:[0-9a-f]{12}»$/);
    agentSaw.push(String(out));
  });

  void test('secrets the agent sends are masked in the recording but reach AWS intact; workspace patterns too', async () => {
    const put = canary();
    everyCanary.push(put);
    const r = await awsV1(
      ['secretsmanager', 'put-secret-value', '--secret-id', fake.planted.secretName, '--secret-string', put],
      task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const pw = canary();
    everyCanary.push(pw);
    const iam = await awsV1(
      ['iam', 'create-login-profile', '--user-name', 'bob', '--password', pw],
      task.env,
    );
    assert.ok(
      fake.received.some((c) => c.operation === 'CreateLoginProfile'),
      iam.stderr,
    );
    const ticket = `TKT-${String(Date.now()).slice(-10)}`;
    everyCanary.push(ticket);
    current = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Parameters: [{ Name: 'note', Description: `see ${ticket}` }] }),
    };
    const ddb = await signedCall({
      port: gw.port,
      ...creds(),
      service: 'ssm',
      method: 'POST',
      path: '/',
      headers: {
        'x-amz-target': 'AmazonSSM.DescribeParameters',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    current = undefined;
    assert.match(ddb.body, /see «airlock:masked:rule:ticket-tokens:[0-9a-f]{12}»/);
    agentSaw.push(ddb.body);
  });

  void test('Authorization, security tokens and presigned signatures are never recorded', async () => {
    const token = `FwoGZXIvYXdzE${canary()}`;
    everyCanary.push(token);
    const r = await signedCall({
      port: gw.port,
      ...creds(),
      service: 'sts',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-amz-security-token': token,
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(r.status, 200);
    const presign = await boto3(
      'from botocore.config import Config\n' +
        "s3 = boto3.client('s3', config=Config(signature_version='s3v4'))\n" +
        "result = s3.generate_presigned_url('get_object', Params={'Bucket': 'canary-bucket', 'Key': 'k'})",
      task.env,
    );
    const url = new URL(String(presign));
    const sig = url.searchParams.get('X-Amz-Signature') ?? '';
    assert.match(sig, /^[0-9a-f]{64}$/);
    everyCanary.push(sig, url.searchParams.get('X-Amz-Credential') ?? 'no-credential');
    await rawRequest(`http://127.0.0.1:${gw.port}`, 'GET', url.pathname + url.search, {});
    const journal = await readFile(join(dataDir, 'journal', `${task.taskId}.jsonl`), 'utf8');
    assert.ok(journal.includes('"/canary-bucket/k'), 'the presigned call is recorded');
    // Whatever the stores hold, it is never an Authorization header or a signature parameter.
    everyCanary.push('AWS4-HMAC-SHA256 Credential=', 'X-Amz-Signature=', 'X-Amz-Credential=');
  });

  void test('no canary in the journal, the call index and summaries, an exported bundle, or the gateway log', async () => {
    const bundleText = await assertNoCanaries({
      dataDir,
      gw,
      taskId: task.taskId,
      agentSaw,
      canaries: everyCanary,
    });
    assert.ok(bundleText.includes('«airlock:masked:'));
  });
});
