/**
 * Requests signed by real clients — @smithy/signature-v4 directly and the JS v3 SDK clients —
 * sent over loopback HTTP and verified from what Node's parser handed the server.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';

import { Sha256 } from '@aws-crypto/sha256-js';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

import {
  checkRequestTime,
  checkSignature,
  parseAuth,
  resolvePayloadHash,
  verifySignature,
  type ParsedAuth,
  type RawRequest,
} from '../../gateway/sigv4';

const ACCESS_KEY = 'AKIDAIRLOCKTEST';
const SECRET = 'airlock/test+secret';
const credentials = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };

interface Captured {
  readonly raw: RawRequest;
  readonly body: Buffer;
}

const captured: Captured[] = [];
let server: http.Server;
let port = 0;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        raw: { method: req.method ?? '', rawUrl: req.url ?? '', rawHeaders: req.rawHeaders },
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.close();
});

/** The next request the server receives, after `send` has run. */
async function capture(send: () => Promise<unknown>): Promise<Captured> {
  const before = captured.length;
  await send().catch(() => undefined); // the canned reply may not parse; only the request matters
  assert.equal(captured.length, before + 1, 'exactly one request reached the server');
  const c = captured[before];
  assert.ok(c);
  return c;
}

/** How the SDKs escape a path segment or query component (smithy's escapeUri). */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query string in the request's own key order (deliberately unsorted), as the SDK writes it. */
function wireQuery(query: HttpRequest['query']): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      parts.push(value === null ? escape(k) : `${escape(k)}=${escape(value)}`);
    }
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Sends a signed smithy HttpRequest with Node's own HTTP client. */
function sendSigned(req: HttpRequest): Promise<Captured> {
  return capture(
    () =>
      new Promise<void>((resolve, reject) => {
        const out = http.request(
          {
            host: '127.0.0.1',
            port,
            method: req.method,
            path: req.path + wireQuery(req.query),
            headers: req.headers,
            setHost: false,
          },
          (res) => res.resume().on('end', resolve),
        );
        out.on('error', reject);
        out.end(typeof req.body === 'string' ? req.body : undefined);
      }),
  );
}

function verifyCaptured(c: Captured, now = Date.now()): ParsedAuth {
  const auth = parseAuth(c.raw);
  assert.equal(auth.accessKeyId, ACCESS_KEY);
  checkRequestTime(auth, now);
  const payloadHash = resolvePayloadHash(auth, c.body);
  const check = checkSignature(c.raw, auth, SECRET, payloadHash);
  assert.equal(
    check.ok,
    true,
    `${c.raw.method} ${c.raw.rawUrl}: ${check.reason ?? ''}\n${check.canonicalRequest}`,
  );
  // The same request one path byte off must not verify.
  const q = c.raw.rawUrl.indexOf('?');
  const end = q === -1 ? c.raw.rawUrl.length : q;
  const rawUrl = `${c.raw.rawUrl.slice(0, end)}x${c.raw.rawUrl.slice(end)}`;
  assert.equal(verifySignature({ ...c.raw, rawUrl }, auth, SECRET, payloadHash), false);
  return auth;
}

function smithyRequest(init: ConstructorParameters<typeof HttpRequest>[0]): HttpRequest {
  return new HttpRequest({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    ...init,
    headers: { host: `127.0.0.1:${port}`, ...init.headers },
  });
}

const lambdaPath = `/2015-03-31/functions/${escape('my fn ü (1)*')}/invocations`;
const lambdaQuery = { tag: ['b&c', 'a=b', 'ü', 'x y+z'], Qualifier: 'v 1', "it's ~*": '', plain: 'ok' };

for (const applyChecksum of [true, false]) {
  void test(`smithy, non-S3 service: encoded path and tricky query (applyChecksum=${applyChecksum})`, async () => {
    const signer = new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'tok/+=' },
      sha256: Sha256,
      applyChecksum,
    });
    const req = smithyRequest({
      method: 'POST',
      path: lambdaPath,
      query: lambdaQuery,
      headers: { 'content-type': 'application/json', 'x-custom': '  spaced   value ' },
      body: '{"a":1}',
    });
    const c = await sendSigned((await signer.sign(req)) as HttpRequest);
    assert.ok(c.raw.rawUrl.startsWith('/2015-03-31/functions/my%20fn%20%C3%BC%20%281%29%2A/'));
    const auth = verifyCaptured(c);
    assert.equal(auth.scope.service, 'lambda');
    assert.equal(auth.securityToken, 'tok/+=');
    assert.equal(auth.contentSha256 !== undefined, applyChecksum);
    // Proof the body is covered when no x-amz-content-sha256 is sent.
    if (!applyChecksum) {
      assert.equal(
        verifySignature(c.raw, auth, SECRET, resolvePayloadHash(auth, Buffer.from('{"a":2}'))),
        false,
      );
    }
  });
}

void test('smithy, S3 (uriEscapePath: false): key with space, ü, + and %2F, unnormalised', async () => {
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const key = 'a b/ü+%2F.txt';
  for (const path of [`/bkt/${key.split('/').map(escape).join('/')}`, '/bkt/dir//./x/../y']) {
    const req = smithyRequest({
      method: 'PUT',
      path,
      query: { 'x-id': 'PutObject' },
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      body: 'hello',
    });
    const c = await sendSigned((await signer.sign(req)) as HttpRequest);
    assert.equal(c.raw.rawUrl, `${path}?x-id=PutObject`);
    verifyCaptured(c);
  }
});

void test('smithy presign, S3 (as the S3 request presigner does it) and non-S3', async () => {
  const s3 = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials,
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signingDate = new Date();
  const s3req = smithyRequest({
    method: 'GET',
    path: `/bkt/${['a b', 'ü+%2F.txt'].map(escape).join('/')}`,
    query: { 'x-id': 'GetObject', 'response-content-disposition': 'attachment; filename="ü.txt"' },
    headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
  });
  const s3url = (await s3.presign(s3req, {
    expiresIn: 300,
    signingDate,
    unsignableHeaders: new Set(['content-type']),
  })) as HttpRequest;
  const c = await sendSigned(s3url);
  assert.match(c.raw.rawUrl, /X-Amz-Signature=[0-9a-f]{64}/);
  const auth = verifyCaptured(c);
  assert.equal(auth.kind, 'presigned');
  assert.equal(auth.expiresSeconds, 300);
  assert.throws(() => checkRequestTime(auth, signingDate.getTime() + 301_000), {
    code: 'PresignedUrlExpired',
  });

  const sts = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials, sha256: Sha256 });
  const stsReq = smithyRequest({
    method: 'GET',
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
  });
  const stsUrl = (await sts.presign(stsReq, { expiresIn: 60 })) as HttpRequest;
  const stsAuth = verifyCaptured(await sendSigned(stsUrl));
  assert.equal(stsAuth.contentSha256, undefined);
});

void test('a correctly signed request from 20 minutes ago is RequestTimeTooSkewed', async () => {
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials, sha256: Sha256 });
  const req = smithyRequest({
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  const c = await sendSigned(
    (await signer.sign(req, { signingDate: new Date(Date.now() - 20 * 60_000) })) as HttpRequest,
  );
  const auth = parseAuth(c.raw);
  assert.equal(verifySignature(c.raw, auth, SECRET, resolvePayloadHash(auth, c.body)), true);
  assert.throws(() => checkRequestTime(auth, Date.now()), { code: 'RequestTimeTooSkewed' });
});

void test('real JS v3 clients (S3, DynamoDB, STS) through their own HTTP stack', async () => {
  const common = { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials, maxAttempts: 1 };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const ddb = new DynamoDBClient(common);
  const sts = new STSClient(common);
  const key = 'a b/ü+%2F.txt';
  const requests = [
    await capture(() => s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: key, Body: 'hello' }))),
    await capture(() => s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }))),
    await capture(() =>
      s3.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'a b/ü', Delimiter: '/' })),
    ),
    await capture(() => ddb.send(new ListTablesCommand({ Limit: 5 }))),
    await capture(() => sts.send(new GetCallerIdentityCommand({}))),
  ];
  for (const c of requests) verifyCaptured(c);
  assert.match(requests[0]?.raw.rawUrl ?? '', /^\/bkt\/a%20b\/%C3%BC%2B%252F\.txt/);
  s3.destroy();
  ddb.destroy();
  sts.destroy();
});
