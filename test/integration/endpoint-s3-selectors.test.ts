/**
 * Through the CLI-started gateway: S3 sub-resource keys the identified operation does not read.
 * Real S3 dispatches a bucket's sub-resource (`?policy`) at a key's path too, so `PUT /b/k?policy`
 * is not a PutObject the gateway may decide on; nor is `PUT /b?abac`, a sub-resource newer than
 * the gateway's model, a CreateBucket. Each is decided as unidentified (here refused, with
 * `unknownOperations: "deny"`) and the verifying upstream receives none of them, while a deny
 * rule on the bucket policy still stops the plain request and a plain PutObject still passes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readJournalEvents } from '../support/journal';
import { sendSigned } from '../support/signed-request';
import { type ApprovalStack, startApprovalStack } from './approvals-helpers';

const POLICY = {
  unknownOperations: 'deny',
  denyRules: [
    {
      id: 'no-bucket-policy',
      reason: 'bucket policies are managed by Terraform',
      actions: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPolicy'],
      resources: ['*'],
    },
  ],
};

const BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::open/*' }],
});

void describe('endpoint mode: S3 sub-resource keys the identified operation does not read', () => {
  let s: ApprovalStack;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-s3-selectors-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify(POLICY));
    s = await startApprovalStack(['--policy', join(dir, 'policy.json')]);
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function s3(method: string, path: string, query: Record<string, string>, body = '') {
    return sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 's3',
      method,
      path,
      query,
      headers: { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
      body,
    });
  }

  void test('a bucket policy sent at a key path, and a sub-resource the model lacks, never reach AWS', async () => {
    const before = s.fake.received.length;
    const plain = await s3('PUT', '/open', { policy: '' }, BUCKET_POLICY);
    assert.equal(plain.status, 403, plain.body);
    assert.match(plain.body, /no-bucket-policy/);
    for (const [method, path, query] of [
      ['PUT', '/open/any-key', { policy: '' }],
      ['GET', '/open/any-key', { policy: '' }],
      ['DELETE', '/open/any-key', { policy: '' }],
      ['PUT', '/open', { abac: '' }],
      ['GET', '/open%2Fany-key', {}],
    ] as const) {
      const r = await s3(method, path, query, method === 'PUT' ? BUCKET_POLICY : '');
      assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(query)}: ${r.body}`);
      assert.match(r.body, /AccessDenied/);
      assert.match(r.body, /no operation of the AWS model matches it/, r.body);
    }
    assert.equal(s.fake.received.length, before, 'the upstream received none of them');
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const decisions = journal.filter((e) => e.type === 'call.decision').map((e) => e.data.rule);
    assert.deepEqual(decisions.slice(-6), [
      'no-bucket-policy',
      ...Array<string>(5).fill('unknown-operation'),
    ]);
  });

  void test('the same object written without a sub-resource key is a PutObject and goes through', async () => {
    const before = s.fake.received.length;
    assert.equal((await s3('PUT', '/open', {})).status, 200);
    const r = await s3('PUT', '/open/any-key', { 'x-id': 'PutObject' }, 'hello');
    assert.equal(r.status, 200, r.body);
    const reached = s.fake.received.slice(before);
    assert.equal(reached.length, 2);
    assert.deepEqual(
      reached.map((c) => [c.method, c.verified]),
      [
        ['PUT', 'ok'],
        ['PUT', 'ok'],
      ],
    );
  });
});
