import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthorization } from '../fakes/auth-header';
import { checkSignature, type SignatureCheckInput } from '../fakes/signature-check';

// Published AWS examples: if the front's aws4-based verifier agrees with them, it agrees with AWS.

function input(
  authorization: string,
  headers: Record<string, string>,
  secret: string,
  over: Partial<SignatureCheckInput>,
): SignatureCheckInput {
  const parsed = parseAuthorization(authorization);
  assert.ok(parsed.ok);
  return {
    method: 'GET',
    rawPath: '/',
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    auth: parsed.auth,
    credentials: { accessKeyId: parsed.auth.accessKeyId, secretAccessKey: secret },
    now: 0,
    ...over,
  };
}

const IAM_AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
  'SignedHeaders=content-type;host;x-amz-date, ' +
  'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
const IAM_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  host: 'iam.amazonaws.com',
  'x-amz-date': '20150830T123600Z',
};
const IAM_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const IAM_NOW = Date.UTC(2015, 7, 30, 12, 36);

void test('IAM ListUsers example from the SigV4 documentation verifies', () => {
  const result = checkSignature(
    input(IAM_AUTH, IAM_HEADERS, IAM_SECRET, {
      rawPath: '/?Action=ListUsers&Version=2010-05-08',
      body: Buffer.alloc(0),
      now: IAM_NOW,
    }),
  );
  assert.deepEqual(result, { ok: true });
});

void test('the same example fails with a changed query, secret or header', () => {
  const base = { body: Buffer.alloc(0), now: IAM_NOW };
  const query = checkSignature(
    input(IAM_AUTH, IAM_HEADERS, IAM_SECRET, { ...base, rawPath: '/?Action=ListRoles&Version=2010-05-08' }),
  );
  assert.equal(query.ok, false);
  const secret = checkSignature(
    input(IAM_AUTH, IAM_HEADERS, IAM_SECRET + 'x', {
      ...base,
      rawPath: '/?Action=ListUsers&Version=2010-05-08',
    }),
  );
  assert.equal(secret.ok, false);
  const header = checkSignature(
    input(IAM_AUTH, { ...IAM_HEADERS, host: 'iam.amazonaws.com:443' }, IAM_SECRET, {
      ...base,
      rawPath: '/?Action=ListUsers&Version=2010-05-08',
    }),
  );
  assert.equal(header.ok, false);
  if (!header.ok) assert.match(header.canonicalRequest ?? '', /host:iam\.amazonaws\.com:443/);
});

void test('S3 GetObject example with a signed Range header verifies (aws4 skips range unless told)', () => {
  const auth =
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
    'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
    'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41';
  const headers = {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-amz-date': '20130524T000000Z',
  };
  const result = checkSignature(
    input(auth, headers, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', {
      rawPath: '/test.txt',
      now: Date.UTC(2013, 4, 24),
    }),
  );
  assert.deepEqual(result, { ok: true });
});

void test('a signed header missing from the request and a stale date are named failures', () => {
  const { host: _host, ...withoutHost } = IAM_HEADERS;
  const missing = checkSignature(input(IAM_AUTH, withoutHost, IAM_SECRET, { now: IAM_NOW }));
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.match(missing.reason, /"host" is not present/);
  const stale = checkSignature(input(IAM_AUTH, IAM_HEADERS, IAM_SECRET, { now: IAM_NOW + 3600_000 }));
  assert.equal(stale.ok, false);
  if (!stale.ok) assert.equal(stale.kind, 'expired');
});

void test('Authorization parsing rejects malformed headers', () => {
  assert.equal(parseAuthorization(undefined).ok, false);
  assert.equal(parseAuthorization('AWS AKID:sig').ok, false);
  assert.equal(
    parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/iam, SignedHeaders=host, Signature=00',
    ).ok,
    false,
  );
});
