/** parseAuth: header and presigned forms and every error code; checkRequestTime windows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkRequestTime,
  parseAuth,
  SigV4Error,
  type RawRequest,
  type SigV4ErrorCode,
} from '../../gateway/sigv4';

const CRED = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';
const SIG = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const DATE = '20150830T123600Z';

function headerReq(authorization: string | undefined, extra: string[] = []): RawRequest {
  const rawHeaders = ['Host', 'example.amazonaws.com', 'X-Amz-Date', DATE, ...extra];
  if (authorization !== undefined) rawHeaders.push('Authorization', authorization);
  return { method: 'GET', rawUrl: '/', rawHeaders };
}

function presignedUrl(overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': CRED,
    'X-Amz-Date': DATE,
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': SIG,
    ...overrides,
  };
  const query = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `/bucket/key?${query}`;
}

function rejects(raw: Pick<RawRequest, 'rawUrl' | 'rawHeaders'>, code: SigV4ErrorCode): void {
  assert.throws(
    () => parseAuth(raw),
    (e: unknown) => e instanceof SigV4Error && e.code === code,
    `expected ${code}`,
  );
}

void test('parses the header form the SDKs write', () => {
  const auth = parseAuth(
    headerReq(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date, Signature=${SIG}`),
  );
  assert.equal(auth.kind, 'header');
  assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
  assert.deepEqual(auth.scope, {
    date: '20150830',
    region: 'us-east-1',
    service: 'service',
    terminator: 'aws4_request',
  });
  assert.deepEqual(auth.signedHeaders, ['host', 'x-amz-date']);
  assert.equal(auth.signature, SIG);
  assert.equal(auth.amzDate, DATE);
  assert.equal(auth.requestTime.getTime(), Date.UTC(2015, 7, 30, 12, 36, 0));
  assert.equal(auth.expiresSeconds, undefined);
});

void test('tolerates the spacing and comma variants clients produce', () => {
  const variants = [
    `AWS4-HMAC-SHA256 Credential=${CRED},SignedHeaders=host;x-amz-date,Signature=${SIG}`,
    `AWS4-HMAC-SHA256  Credential=${CRED} ,  SignedHeaders=host;x-amz-date ,Signature=${SIG} `,
    `AWS4-HMAC-SHA256\tCredential=${CRED},\tSignedHeaders=host;x-amz-date,\tSignature=${SIG},`,
    `AWS4-HMAC-SHA256 Signature=${SIG}, Credential=${CRED}, SignedHeaders=host;x-amz-date`,
    `AWS4-HMAC-SHA256 Credential=${CRED} SignedHeaders=host;x-amz-date Signature=${SIG}`,
    `AWS4-HMAC-SHA256,Credential=${CRED},SignedHeaders=host;x-amz-date,Signature=${SIG}`,
  ];
  for (const v of variants) {
    const auth = parseAuth(headerReq(v));
    assert.equal(auth.signature, SIG, v);
    assert.deepEqual(auth.signedHeaders, ['host', 'x-amz-date'], v);
  }
});

void test('Date header (RFC 1123) is used only when X-Amz-Date is absent', () => {
  const authz = `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=date;host, Signature=${SIG}`;
  for (const date of ['Sun, 30 Aug 2015 12:36:00 GMT', 'Sun, 30 Aug 2015 12:36:00 -0000']) {
    const auth = parseAuth({ rawUrl: '/', rawHeaders: ['Host', 'h', 'Date', date, 'Authorization', authz] });
    assert.equal(auth.amzDate, DATE, date);
  }
  const both = parseAuth(headerReq(authz, ['Date', 'Mon, 31 Aug 2015 00:00:00 GMT']));
  assert.equal(both.amzDate, DATE);
  rejects(
    { rawUrl: '/', rawHeaders: ['Host', 'h', 'Date', 'yesterday', 'Authorization', authz] },
    'IncompleteSignature',
  );
  rejects({ rawUrl: '/', rawHeaders: ['Host', 'h', 'Authorization', authz] }, 'IncompleteSignature');
});

void test('header auth errors carry the AWS codes', () => {
  rejects(headerReq(undefined), 'MissingAuthenticationToken');
  rejects(headerReq('   '), 'MissingAuthenticationToken');
  rejects(headerReq('AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg='), 'InvalidSignatureAlgorithm');
  rejects(
    headerReq(`AWS4-ECDSA-P256-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}`),
    'InvalidSignatureAlgorithm',
  );
  rejects(
    headerReq(`aws4-hmac-sha256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}`),
    'InvalidSignatureAlgorithm',
  );
  const bad = [
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}, Extra=1`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, ${SIG}`,
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/service/aws4_request, SignedHeaders=host, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, SignedHeaders=host, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/service/aws4_request, SignedHeaders=host, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=x-amz-date, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;;x-amz-date, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x(y), Signature=${SIG}`,
  ];
  for (const b of bad) rejects(headerReq(b), 'IncompleteSignature');
  const good = `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}`;
  rejects(headerReq(good, ['Authorization', good]), 'IncompleteSignature');
  rejects(headerReq(good, ['X-Amz-Date', '20150830T123601Z']), 'IncompleteSignature');
  rejects(headerReq(good, ['X-Amz-Date', '20150830T123600']), 'IncompleteSignature');
  rejects(
    {
      rawUrl: '/',
      rawHeaders: [
        'Host',
        'h',
        'X-Amz-Date',
        '20150230T123600Z',
        'Authorization',
        good.replace('20150830', '20150230'),
      ],
    },
    'IncompleteSignature',
  );
});

void test('parses presigned query parameters, decoding them once', () => {
  const auth = parseAuth({
    rawUrl: presignedUrl({ 'X-Amz-Security-Token': 'tok+en/=' }),
    rawHeaders: ['Host', 'h'],
  });
  assert.equal(auth.kind, 'presigned');
  assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
  assert.equal(auth.scope.service, 'service');
  assert.equal(auth.expiresSeconds, 300);
  assert.equal(auth.securityToken, 'tok+en/=');
  assert.deepEqual(auth.signedHeaders, ['host']);
  assert.equal(auth.contentSha256, undefined);
  const hoisted = parseAuth({
    rawUrl: `${presignedUrl()}&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD`,
    rawHeaders: ['Host', 'h'],
  });
  assert.equal(hoisted.contentSha256, 'UNSIGNED-PAYLOAD');
});

void test('presigned errors carry the AWS codes', () => {
  const h = ['Host', 'h'];
  rejects(
    { rawUrl: presignedUrl({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }), rawHeaders: h },
    'InvalidSignatureAlgorithm',
  );
  const q = 'AuthorizationQueryParametersError';
  for (const missing of [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ]) {
    rejects({ rawUrl: presignedUrl({ [missing]: undefined }), rawHeaders: h }, q);
  }
  rejects({ rawUrl: presignedUrl({ 'X-Amz-Expires': '604801' }), rawHeaders: h }, q);
  rejects({ rawUrl: presignedUrl({ 'X-Amz-Expires': '-1' }), rawHeaders: h }, q);
  rejects({ rawUrl: presignedUrl({ 'X-Amz-Expires': '1e3' }), rawHeaders: h }, q);
  rejects({ rawUrl: presignedUrl({ 'X-Amz-Credential': 'AKID/20150830/us-east-1/s3' }), rawHeaders: h }, q);
  rejects({ rawUrl: presignedUrl({ 'X-Amz-Date': '20150831T000000Z' }), rawHeaders: h }, q);
  rejects({ rawUrl: presignedUrl({ 'X-Amz-SignedHeaders': 'x-amz-date' }), rawHeaders: h }, q);
  rejects({ rawUrl: `${presignedUrl()}&X-Amz-Signature=${SIG}`, rawHeaders: h }, q);
  assert.equal(
    parseAuth({ rawUrl: presignedUrl({ 'X-Amz-Expires': '604800' }), rawHeaders: h }).expiresSeconds,
    604800,
  );
  const authz = `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}`;
  rejects({ rawUrl: presignedUrl(), rawHeaders: [...h, 'Authorization', authz] }, 'IncompleteSignature');
});

void test('checkRequestTime: 15 minutes either side for headers, expiry for presigned URLs', () => {
  const signed = Date.UTC(2015, 7, 30, 12, 36, 0);
  const header = parseAuth(
    headerReq(`AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host, Signature=${SIG}`),
  );
  const minute = 60_000;
  checkRequestTime(header, signed + 15 * minute);
  checkRequestTime(header, new Date(signed - 15 * minute));
  assert.throws(() => checkRequestTime(header, signed + 15 * minute + 1), { code: 'RequestTimeTooSkewed' });
  assert.throws(() => checkRequestTime(header, signed - 15 * minute - 1), { code: 'RequestTimeTooSkewed' });
  assert.throws(() => checkRequestTime(header, signed + 2 * minute, minute), {
    code: 'RequestTimeTooSkewed',
  });

  const presigned = parseAuth({
    rawUrl: presignedUrl({ 'X-Amz-Expires': '300' }),
    rawHeaders: ['Host', 'h'],
  });
  checkRequestTime(presigned, signed + 300_000);
  checkRequestTime(presigned, signed - 15 * minute);
  assert.throws(() => checkRequestTime(presigned, signed + 300_001), { code: 'PresignedUrlExpired' });
  assert.throws(() => checkRequestTime(presigned, signed - 15 * minute - 1), {
    code: 'RequestTimeTooSkewed',
  });
});
