import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsV1 } from '../support/aws-clients';
import { startTask, type StartedTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { type Stack, startStack } from '../support/stack';

const SCOPE = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'WhoAmI', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
    {
      Sid: 'Uploads',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: 'arn:aws:s3:::uploads/allowed/*',
    },
    { Sid: 'ListUploads', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::uploads' },
  ],
};

/** Sends a signed S3 PUT with `Expect: 100-continue` and reports whether the body was ever asked for. */
async function putWithExpect(
  env: Record<string, string>,
  key: string,
): Promise<{ status: number; continued: boolean; body: string }> {
  const url = new URL(env.AWS_ENDPOINT_URL!);
  const body = Buffer.alloc(1024 * 1024, 7);
  const signer = new SignatureV4({
    service: 's3',
    region: env.AWS_REGION!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: `/uploads/${key}`,
      headers: {
        host: url.host,
        'content-length': String(body.length),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        expect: '100-continue',
      },
    }),
  );
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request({
      hostname: url.hostname,
      port: url.port,
      method: 'PUT',
      path: signed.path,
      headers: signed.headers,
    });
    req.on('continue', () => {
      continued = true;
      req.end(body);
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, continued, body: text }));
    });
    req.on('error', reject);
  });
}

void describe('endpoint mode: task scope decides', () => {
  let s: Stack;
  let scoped: StartedTask;
  let dir: string;
  before(async () => {
    s = await startStack();
    dir = await mkdtemp(join(tmpdir(), 'airlock-scope-'));
    await writeFile(join(dir, 'scope.json'), JSON.stringify(SCOPE));
    scoped = await startTask(s.gw, [
      '--name',
      'fix upload lambda',
      '--scope',
      join(dir, 'scope.json'),
      '--ttl',
      '30m',
    ]);
    const mb = await awsV1(['s3', 'mb', 's3://uploads'], s.task.env);
    assert.equal(mb.code, 0, mb.stderr);
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('an in-scope call goes through', async () => {
    const r = await awsV1(['sts', 'get-caller-identity'], scoped.env);
    assert.equal(r.code, 0, r.stderr);
  });

  void test('an out-of-scope call is denied with a reason naming Airlock, action, resource and task; never forwarded', async () => {
    const before = s.fake.received.length;
    const r = await awsV1(['dynamodb', 'delete-table', '--table-name', 'prod-orders'], scoped.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(
      r.stderr,
      /Airlock denied dynamodb:DeleteTable on arn:aws:dynamodb:us-east-1:\d{12}:table\/prod-orders: outside the scope of task "fix upload lambda"/,
    );
    assert.equal(s.fake.received.length, before);
    const events = await readJournalEvents(s.gw.dataDir, scoped.taskId);
    const decision = events.filter((e) => e.type === 'call.decision').pop();
    assert.equal(decision?.data.decision, 'deny');
    const response = events.filter((e) => e.type === 'call.response').pop();
    assert.deepEqual([response?.data.status, response?.data.local], [403, true]);
  });

  void test('S3 denial comes back in S3 error shape, for the object outside the allowed prefix', async () => {
    const r = await awsV1(
      ['s3api', 'get-object', '--bucket', 'uploads', '--key', 'secret/x', '/dev/null'],
      scoped.env,
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /s3:GetObject on arn:aws:s3:::uploads\/secret\/x/);
  });

  void test('Expect: 100-continue: a denied upload is refused before its body is sent', async () => {
    const before = s.fake.received.length;
    const r = await putWithExpect(scoped.env, 'elsewhere/file.bin');
    assert.equal(r.status, 403);
    assert.equal(r.continued, false, 'the gateway must not ask for the body of a denied upload');
    assert.equal(s.fake.received.length, before);
  });

  void test('Expect: 100-continue: an allowed upload is asked for its body after the decision', async () => {
    const r = await putWithExpect(scoped.env, 'allowed/file.bin');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.continued, true);
  });
});
