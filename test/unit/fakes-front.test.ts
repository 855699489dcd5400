import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes/index';
import { signedRequest } from '../fakes/raw-client';

let fake: FakeAws;
let s3: S3Client;
const bucket = 'fakes-front-bucket';

function sdkConfig(): { endpoint: string; region: string; credentials: FakeAws['credentials'] } {
  return { endpoint: fake.url, region: 'us-east-1', credentials: fake.credentials };
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

before(async () => {
  fake = await startFakeAws({ secretValue: 'canary-secret-value-1234' });
  s3 = new S3Client({ ...sdkConfig(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

after(async () => {
  s3.destroy();
  await fake.close();
});

void test('credentials are fresh AWS-shaped keys per start', () => {
  assert.match(fake.credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(fake.credentials.secretAccessKey.length, 40);
  assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

void test('STS GetCallerIdentity passes the front and reports the fake account', async () => {
  const sts = new STSClient(sdkConfig());
  const out = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  assert.equal(out.Account, fake.accountId);
  assert.equal(out.Arn, `arn:aws:iam::${fake.accountId}:user/airlock-test`);
  const call = fake.received.find((c) => c.service === 'sts');
  assert.equal(call?.verified, 'ok');
  assert.equal(call?.operation, 'GetCallerIdentity');
});

void test('DynamoDB CreateTable, PutItem, GetItem round-trip through dynalite', async () => {
  const ddb = new DynamoDBClient(sdkConfig());
  await ddb.send(
    new CreateTableCommand({
      TableName: 'fakes-table',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await ddb.send(new PutItemCommand({ TableName: 'fakes-table', Item: { id: { S: 'a' }, n: { N: '42' } } }));
  const got = await ddb.send(new GetItemCommand({ TableName: 'fakes-table', Key: { id: { S: 'a' } } }));
  ddb.destroy();
  assert.deepEqual(got.Item, { id: { S: 'a' }, n: { N: '42' } });
  const calls = fake.received.filter((c) => c.service === 'dynamodb');
  assert.deepEqual(
    calls.map((c) => [c.operation, c.verified, c.status]),
    [
      ['CreateTable', 'ok', 200],
      ['PutItem', 'ok', 200],
      ['GetItem', 'ok', 200],
    ],
  );
});

void test('S3 small object with an awkward key: put, get, list', async () => {
  const key = 'dir/a b+c&d=é.txt';
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello fake' }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(await got.Body?.transformToString(), 'hello fake');
  const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/' }));
  assert.deepEqual(
    list.Contents?.map((c) => c.Key),
    [key],
  );
});

void test('S3 5 MB object survives the round trip byte for byte', async () => {
  const body = randomBytes(5 * 1024 * 1024);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big-5mb', Body: body }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big-5mb' }));
  const back = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  assert.equal(back.length, body.length);
  assert.equal(sha256(back), sha256(body));
});

void test('S3 streaming upload goes aws-chunked with a CRC32 trailer and is decoded for s3rver', async () => {
  const parts = [randomBytes(300_000), randomBytes(70_001), randomBytes(5)];
  const whole = Buffer.concat(parts);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'streamed',
      Body: Readable.from(parts),
      ContentLength: whole.length,
    }),
  );
  const put = fake.received.find((c) => c.method === 'PUT' && c.path.startsWith(`/${bucket}/streamed`));
  assert.equal(put?.verified, 'ok');
  assert.equal(put?.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.match(String(put?.headers['content-encoding']), /aws-chunked/);
  assert.equal(put?.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }));
  const back = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  assert.equal(sha256(back), sha256(whole));
});

void test('Secrets Manager GetSecretValue via a raw signed JSON 1.1 request returns the planted value', async () => {
  const res = await signedRequest({
    baseUrl: fake.url,
    credentials: fake.credentials,
    service: 'secretsmanager',
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body: JSON.stringify({ SecretId: fake.planted.secretName }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
  const parsed = JSON.parse(res.body) as { SecretString?: string; Name?: string };
  assert.equal(parsed.SecretString, 'canary-secret-value-1234');
  assert.equal(parsed.Name, fake.planted.secretName);
});

void test('an unmodelled service gets an AWS-shaped UnknownOperation and is recorded', async () => {
  const res = await signedRequest({
    baseUrl: fake.url,
    credentials: fake.credentials,
    service: 'sns',
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=ListTopics&Version=2010-03-31',
  });
  assert.equal(res.status, 400);
  assert.match(res.body, /<Code>UnknownOperation<\/Code>/);
  const call = fake.received.find((c) => c.service === 'sns');
  assert.equal(call?.verified, 'ok');
  assert.equal(call?.operation, 'ListTopics');
  assert.equal(call?.backendReached, false);
});

void test('reset() forgets received calls', async () => {
  const sts = new STSClient(sdkConfig());
  await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  assert.ok(fake.received.length > 0);
  const same = fake.received;
  fake.reset();
  assert.equal(fake.received.length, 0);
  assert.equal(same, fake.received);
});
