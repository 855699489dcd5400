import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type KeyedRequest, requestKey } from '../../gateway/approvals/request-key';
import { summarize } from '../../gateway/approvals/summarize';
import { parseAuth, sha256Hex } from '../../gateway/sigv4';

const signer = new SignatureV4({
  service: 'iam',
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTASK', secretAccessKey: 'secret' },
  sha256: Hash.bind(null, 'sha256'),
});

interface Attempt {
  readonly body?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly date?: string;
  readonly unsigned?: Record<string, string>;
}

/** Signs a call the way an SDK attempt would and returns what the gateway keys it by. */
async function keyOf(a: Attempt, taskId = 'task-1'): Promise<string> {
  const body = a.body ?? 'Action=CreateRole&RoleName=bot';
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4000,
      path: '/',
      query: a.query ?? {},
      headers: { host: '127.0.0.1:4000', 'content-type': 'application/x-www-form-urlencoded', ...a.headers },
      body,
    }),
    { signingDate: new Date(a.date ?? '2026-05-01T12:00:00Z') },
  );
  const rawHeaders = Object.entries({ ...signed.headers, ...a.unsigned }).flat();
  const qs = new URLSearchParams(a.query ?? {}).toString();
  const rawUrl = qs ? `/?${qs}` : '/';
  const auth = parseAuth({ rawUrl, rawHeaders });
  const req: KeyedRequest = {
    taskId,
    method: 'POST',
    rawUrl,
    rawHeaders,
    signedHeaders: auth.signedHeaders,
    payloadHash: sha256Hex(Buffer.from(body)),
  };
  return requestKey(req);
}

void test('an SDK retry (new date, new signature, next attempt number) is the same call', async () => {
  const first = await keyOf({
    headers: { 'amz-sdk-request': 'attempt=1; max=3', 'amz-sdk-invocation-id': 'a' },
  });
  const retry = await keyOf({
    date: '2026-05-01T12:01:05Z',
    headers: { 'amz-sdk-request': 'ttl=20260501T120200Z; attempt=2; max=3', 'amz-sdk-invocation-id': 'a' },
  });
  assert.equal(retry, first);
  // A re-run of the same command (new invocation) while the approval is pending: same call too.
  assert.equal(
    await keyOf({ headers: { 'amz-sdk-request': 'attempt=1; max=3', 'amz-sdk-invocation-id': 'b' } }),
    first,
  );
  // Headers the agent did not sign cannot change what the call is.
  assert.equal(
    await keyOf({
      headers: { 'amz-sdk-request': 'attempt=1; max=3', 'amz-sdk-invocation-id': 'a' },
      unsigned: { 'x-extra': '1' },
    }),
    first,
  );
});

void test('anything else the agent signed makes a different call', async () => {
  const base = await keyOf({});
  const variants = [
    await keyOf({ body: 'Action=CreateRole&RoleName=bot2' }),
    await keyOf({ query: { Action: 'CreateRole' } }),
    await keyOf({ headers: { 'x-amz-target': 'Other' } }),
    await keyOf({}, 'task-2'),
  ];
  for (const v of variants) assert.notEqual(v, base);
  assert.equal(new Set(variants).size, variants.length);
});

void test('presigned URL signature parameters are not part of the call', () => {
  const common = {
    taskId: 't',
    method: 'GET',
    rawHeaders: ['host', 'h'],
    signedHeaders: ['host'],
    payloadHash: 'UNSIGNED-PAYLOAD',
  };
  const a = requestKey({
    ...common,
    rawUrl:
      '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Date=20260501T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=aa&versionId=3',
  });
  const b = requestKey({
    ...common,
    rawUrl:
      '/b/k?versionId=3&X-Amz-Date=20260501T121000Z&X-Amz-Signature=bb&X-Amz-Credential=a&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-SignedHeaders=host',
  });
  assert.equal(a, b);
  assert.notEqual(requestKey({ ...common, rawUrl: '/b/k?versionId=4' }), a);
});

void test('one-line summaries for the operations people are asked about, and a generic fallback', () => {
  const trust = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const s = (
    iamPrefix: string,
    operation: string,
    params: Record<string, unknown>,
    resources: string[] = [],
  ): string => summarize({ iamPrefix, operation, params, action: `${iamPrefix}:${operation}`, resources });
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'deploy-bot', AssumeRolePolicyDocument: trust }),
    'Create IAM role deploy-bot trusted by lambda.amazonaws.com',
  );
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: encodeURIComponent(trust) }),
    'Create IAM role x trusted by lambda.amazonaws.com',
  );
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: '{not json' }),
    'Create IAM role x',
  );
  assert.equal(s('s3', 'DeleteBucket', { Bucket: 'prod-data' }), 'Delete S3 bucket prod-data');
  assert.equal(
    s('ec2', 'TerminateInstances', { InstanceId: ['i-1', 'i-2'] }),
    'Terminate EC2 instances i-1, i-2',
  );
  assert.equal(
    s('ec2', 'TerminateInstances', { InstanceId: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'] }),
    'Terminate EC2 instances i-1, i-2, i-3 and 2 more',
  );
  assert.equal(s('dynamodb', 'DeleteTable', { TableName: 'orders' }), 'Delete DynamoDB table orders');
  assert.equal(
    s('kms', 'ScheduleKeyDeletion', { KeyId: 'k-1', PendingWindowInDays: 7 }),
    'Schedule deletion of KMS key k-1 in 7 days',
  );
  assert.equal(
    s('elasticache', 'DeleteServerlessCache', {}, ['arn:aws:elasticache:us-east-1:1:serverlesscache:c1']),
    'Delete serverless cache (elasticache): serverlesscache:c1',
  );
  assert.equal(
    s('s3', 'DeleteBucket', {}),
    'Delete bucket (s3)',
    'curated lines fall back when the params are missing',
  );
  assert.ok(s('s3', 'DeleteBucket', { Bucket: 'b'.repeat(500) }).length <= 200);
});
