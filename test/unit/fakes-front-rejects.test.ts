import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { startFakeAws, type FakeAws } from '../fakes/index';
import { signedRequest, type RawRequest } from '../fakes/raw-client';

let fake: FakeAws;
const bucket = 'fakes-rejects-bucket';

before(async () => {
  fake = await startFakeAws();
  const res = await s3Raw('PUT', `/${bucket}`);
  assert.equal(res.status, 200);
});

after(async () => {
  await fake.close();
});

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

function crc32Base64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}

function s3Raw(
  method: string,
  path: string,
  extra: Partial<RawRequest> = {},
): ReturnType<typeof signedRequest> {
  return signedRequest({
    baseUrl: fake.url,
    credentials: fake.credentials,
    service: 's3',
    method,
    path,
    ...extra,
  });
}

async function objectExists(key: string): Promise<boolean> {
  const res = await s3Raw('GET', `/${bucket}/${key}`, { headers: { 'x-amz-content-sha256': sha256('') } });
  return res.status === 200;
}

function lastCall(): FakeAws['received'][number] {
  const call = fake.received.at(-1);
  assert.ok(call, 'the front recorded the call');
  return call;
}

function awsChunked(data: Buffer, chunkSize: number, checksum: string): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const piece = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`));
  return Buffer.concat(parts);
}

function chunkedPut(key: string, data: Buffer, checksum: string): ReturnType<typeof signedRequest> {
  return s3Raw('PUT', `/${bucket}/${key}`, {
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    },
    wireBody: awsChunked(data, 64 * 1024, checksum),
  });
}

void test('wrong secret: 403 SignatureDoesNotMatch and s3rver never sees the object', async () => {
  const bad = new S3Client({
    endpoint: fake.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: fake.credentials.accessKeyId, secretAccessKey: 'x'.repeat(40) },
  });
  await assert.rejects(
    bad.send(new PutObjectCommand({ Bucket: bucket, Key: 'forged', Body: 'nope' })),
    (err: Error) => {
      assert.equal(err.name, 'SignatureDoesNotMatch');
      assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 403);
      return true;
    },
  );
  bad.destroy();
  const call = fake.received.find((c) => c.path.startsWith(`/${bucket}/forged`));
  assert.equal(call?.verified, 'failed');
  assert.equal(call?.backendReached, false);
  assert.equal(call?.code, 'SignatureDoesNotMatch');
  assert.ok(call?.canonicalRequest?.startsWith('PUT\n'));
  assert.equal(await objectExists('forged'), false);
});

void test('unknown access key and missing Authorization are refused', async () => {
  const res = await signedRequest({
    baseUrl: fake.url,
    credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: fake.credentials.secretAccessKey },
    service: 's3',
    method: 'GET',
    path: '/',
  });
  assert.equal(res.status, 403);
  assert.match(res.body, /<Code>InvalidAccessKeyId<\/Code>/);
  const anon = await fetch(`${fake.url}/${bucket}`);
  assert.equal(anon.status, 403);
  assert.equal(lastCall().verified, 'failed');
  assert.equal(lastCall().backendReached, false);
});

void test('full payload hash with a tampered small body: 400 XAmzContentSHA256Mismatch, nothing stored', async () => {
  const res = await s3Raw('PUT', `/${bucket}/tampered-small`, {
    body: 'original body',
    wireBody: 'tampered body',
  });
  assert.equal(res.status, 400);
  assert.match(res.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
  assert.equal(lastCall().verified, 'failed');
  assert.equal(lastCall().backendReached, false);
  assert.equal(await objectExists('tampered-small'), false);
});

void test('a tampered 3 MB body (past the hold-back window) stores nothing and keeps the old object', async () => {
  const body = randomBytes(3 * 1024 * 1024);
  const wire = Buffer.from(body);
  wire[wire.length - 1] = (wire.at(-1) ?? 0) ^ 0xff;
  const res = await s3Raw('PUT', `/${bucket}/tampered-large`, { body, wireBody: wire });
  assert.equal(res.status, 400);
  assert.match(res.body, /XAmzContentSHA256Mismatch/);
  assert.equal(lastCall().backendReached, true, 'a large body starts streaming before the check ends');
  assert.equal(await objectExists('tampered-large'), false);

  assert.equal((await s3Raw('PUT', `/${bucket}/victim`, { body: 'old content' })).status, 200);
  const over = await s3Raw('PUT', `/${bucket}/victim`, { body, wireBody: wire });
  assert.equal(over.status, 400);
  const kept = await s3Raw('GET', `/${bucket}/victim`, { headers: { 'x-amz-content-sha256': sha256('') } });
  assert.equal(kept.body, 'old content');
});

void test('the same request with the intact body is accepted (the tamper tests can fail)', async () => {
  const res = await s3Raw('PUT', `/${bucket}/intact`, { body: 'original body' });
  assert.equal(res.status, 200);
  assert.equal(await objectExists('intact'), true);
});

void test('aws-chunked upload: right CRC32 trailer stored decoded, wrong one refused with BadDigest', async () => {
  const data = randomBytes(200_000);
  const good = await chunkedPut('chunked-good', data, crc32Base64(data));
  assert.equal(good.status, 200, good.body);
  const stored = await s3Raw('GET', `/${bucket}/chunked-good`, {
    headers: { 'x-amz-content-sha256': sha256('') },
  });
  assert.equal(stored.status, 200);
  assert.equal(sha256(stored.bytes), sha256(data));
  const bad = await chunkedPut('chunked-bad', data, crc32Base64(Buffer.from('something else')));
  assert.equal(bad.status, 400);
  assert.match(bad.body, /<Code>BadDigest<\/Code>/);
  assert.equal(await objectExists('chunked-bad'), false);
});

void test('x-amz-checksum-crc32 header that does not match the body is refused', async () => {
  const res = await s3Raw('PUT', `/${bucket}/crc-header`, {
    body: 'payload',
    headers: { 'x-amz-checksum-crc32': crc32Base64(Buffer.from('other')) },
  });
  assert.equal(res.status, 400);
  assert.match(res.body, /BadDigest/);
  assert.equal(await objectExists('crc-header'), false);
});

void test('an x-amz-* header added after signing is refused like S3 does', async () => {
  const res = await s3Raw('GET', `/${bucket}/intact`, { unsignedHeaders: { 'x-amz-meta-sneaky': '1' } });
  assert.equal(res.status, 403);
  assert.match(res.body, /<Code>AccessDenied<\/Code>/);
});

void test('a signature from an hour ago is refused as too skewed', async () => {
  const res = await s3Raw('GET', `/${bucket}/intact`, { signingDate: new Date(Date.now() - 3600_000) });
  assert.equal(res.status, 403);
  assert.match(res.body, /RequestTimeTooSkewed/);
});

void test('Expect: 100-continue with a bad signature is refused before the body is sent', async () => {
  const res = await signedRequest({
    baseUrl: fake.url,
    credentials: { accessKeyId: fake.credentials.accessKeyId, secretAccessKey: 'y'.repeat(40) },
    service: 's3',
    method: 'PUT',
    path: `/${bucket}/continue-denied`,
    body: randomBytes(100_000),
    expectContinue: true,
  });
  assert.equal(res.status, 403);
  assert.equal(res.continued, false);
  const ok = await s3Raw('PUT', `/${bucket}/continue-ok`, { body: 'go', expectContinue: true });
  assert.equal(ok.status, 200);
  assert.equal(ok.continued, true);
});

void test('JSON service: wrong secret and tampered body both stop before the stub', async () => {
  const put = (
    creds: RawRequest['credentials'],
    body: string,
    wireBody?: string,
  ): ReturnType<typeof signedRequest> =>
    signedRequest({
      baseUrl: fake.url,
      credentials: creds,
      service: 'secretsmanager',
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.PutSecretValue',
      },
      body,
      ...(wireBody === undefined ? {} : { wireBody }),
    });
  const forged = JSON.stringify({ SecretId: fake.planted.secretName, SecretString: 'forged-value' });
  const wrong = await put(
    { accessKeyId: fake.credentials.accessKeyId, secretAccessKey: 'z'.repeat(40) },
    forged,
  );
  assert.equal(wrong.status, 403);
  assert.equal((JSON.parse(wrong.body) as { __type?: string }).__type, 'InvalidSignatureException');
  const honest = JSON.stringify({ SecretId: fake.planted.secretName, SecretString: 'honest-valu' });
  const tampered = await put(fake.credentials, honest, forged.slice(0, honest.length));
  assert.equal(tampered.status, 403);
  assert.equal(lastCall().backendReached, false);
  const read = await signedRequest({
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
  assert.equal((JSON.parse(read.body) as { SecretString?: string }).SecretString, fake.planted.secretValue);
});

void test('GetObject through the SDK still works after all the refusals (front state is per request)', async () => {
  const s3 = new S3Client({
    endpoint: fake.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: fake.credentials,
  });
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'intact' }));
  assert.equal(await got.Body?.transformToString(), 'original body');
  s3.destroy();
});
