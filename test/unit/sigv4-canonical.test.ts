/** Canonical URI/query/header rules, payload-hash rules and the signing-key cache, case by case. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buildCanonicalRequest,
  canonicalHeaderValue,
  canonicalQueryString,
  canonicalUri,
  clearSigningKeyCache,
  declaredPayloadHash,
  deriveSigningKey,
  EMPTY_SHA256,
  resolvePayloadHash,
  sha256Hex,
  signingKeyCacheSize,
  splitRawUrl,
  UNSIGNED_PAYLOAD,
  type CredentialScope,
} from '../../gateway/sigv4';

void test('non-S3 paths are normalised and encoded a second time', () => {
  const cases: [string, string][] = [
    ['/', '/'],
    ['', ''],
    ['//', '/'],
    ['/a//b/./c/../d/', '/a/b/d/'],
    ['/a/b/../../..', '/'],
    ['/my%20fn/%C3%BC', '/my%2520fn/%25C3%25BC'],
    ['/a+b/c=d/e:f/%2F', '/a%2Bb/c%3Dd/e%3Af/%252F'],
    ['/-._~AZaz09', '/-._~AZaz09'],
    ['/\u00e1\u0088\u00b4', '/%E1%88%B4'],
    ['/\u1234', '/%E1%88%B4'],
  ];
  for (const [raw, want] of cases) assert.equal(canonicalUri(raw, 'lambda'), want, raw);
});

void test('S3-family paths are used exactly as sent', () => {
  for (const service of ['s3', 's3-outposts', 's3express', 's3-object-lambda']) {
    assert.equal(
      canonicalUri('/bkt/a%20b//./../%C3%BC%2B%252F.txt', service),
      '/bkt/a%20b//./../%C3%BC%2B%252F.txt',
    );
  }
  assert.equal(canonicalUri('/bkt/a%20b//x', 's3control'), '/bkt/a%2520b/x');
});

void test('query: decoded, strictly re-encoded, sorted by key then value', () => {
  assert.equal(canonicalQueryString('', false), '');
  assert.equal(canonicalQueryString('b=2&a=1&a=0&A=9', false), 'A=9&a=0&a=1&b=2');
  assert.equal(canonicalQueryString('k=%2f%7e%41+x&flag&e=', false), 'e=&flag=&k=%2F~A%2Bx');
  assert.equal(canonicalQueryString('x=%zz&y=100%', false), 'x=%25zz&y=100%25');
  assert.equal(canonicalQueryString('a=1&&b=2&', false), 'a=1&b=2');
  assert.equal(canonicalQueryString('q=\u00fc&r=%C3%BC', false), 'q=%FC&r=%C3%BC');
  const presigned = 'X-Amz-Signature=abc&X-Amz-Date=1&x-amz-signature=keep';
  assert.equal(canonicalQueryString(presigned, true), 'X-Amz-Date=1&x-amz-signature=keep');
  assert.equal(
    canonicalQueryString(presigned, false),
    'X-Amz-Date=1&X-Amz-Signature=abc&x-amz-signature=keep',
  );
});

void test('raw URL split keeps everything after the first ? and drops an absolute-form prefix', () => {
  assert.deepEqual(splitRawUrl('/p?a=1?b'), { path: '/p', query: 'a=1?b' });
  assert.deepEqual(splitRawUrl('http://bucket.s3.amazonaws.com:443/k%20x?y'), { path: '/k%20x', query: 'y' });
  assert.deepEqual(splitRawUrl('?x=1'), { path: '/', query: 'x=1' });
});

void test('header values: trimmed, inner whitespace runs collapsed, case kept', () => {
  assert.equal(canonicalHeaderValue('  a   b\t\tc  '), 'a b c');
  assert.equal(canonicalHeaderValue('value1\n  value2\r\n     value3'), 'value1 value2 value3');
  assert.equal(canonicalHeaderValue('"A  B"'), '"A B"');
});

void test('canonical request: repeated headers joined, signed names verbatim, missing ones reported', () => {
  const raw = {
    method: 'PUT',
    rawUrl: '/x?b=1&a=2',
    rawHeaders: ['Host', 'h', 'X-Multi', ' one ', 'x-multi', 'two', 'X-Unsigned', 'z'],
  };
  const auth = {
    kind: 'header' as const,
    scope: scope('svc'),
    signedHeaders: ['host', 'x-missing', 'x-multi'],
  };
  const { canonicalRequest, missingHeaders } = buildCanonicalRequest(raw, auth, 'HASH');
  assert.equal(
    canonicalRequest,
    'PUT\n/x\na=2&b=1\nhost:h\nx-missing:\nx-multi:one,two\n\nhost;x-missing;x-multi\nHASH',
  );
  assert.deepEqual(missingHeaders, ['x-missing']);
});

void test('payload hash: declared header first, UNSIGNED-PAYLOAD for presigned S3, else the body', () => {
  const body = Buffer.from('Param1=value1');
  const bodyHash = '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e';
  assert.equal(sha256Hex(body), bodyHash);
  assert.equal(sha256Hex(''), EMPTY_SHA256);
  const header = { kind: 'header' as const, scope: scope('s3') };
  assert.equal(declaredPayloadHash(header), undefined);
  assert.equal(resolvePayloadHash(header), EMPTY_SHA256);
  assert.equal(resolvePayloadHash(header, body), bodyHash);
  assert.equal(
    resolvePayloadHash({ ...header, contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }, body),
    'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  );
  assert.equal(resolvePayloadHash({ kind: 'presigned', scope: scope('s3') }, body), UNSIGNED_PAYLOAD);
  assert.equal(resolvePayloadHash({ kind: 'presigned', scope: scope('sts') }), EMPTY_SHA256);
  assert.equal(
    resolvePayloadHash({ kind: 'presigned', scope: scope('s3'), contentSha256: bodyHash }),
    bodyHash,
  );
});

function scope(service: string, date = '20120215', region = 'us-east-1'): CredentialScope {
  return { date, region, service, terminator: 'aws4_request' };
}

void test('signing key matches the AWS documentation example and is cached in a bounded LRU', () => {
  clearSigningKeyCache();
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const docExample = 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d';
  const first = deriveSigningKey(secret, scope('iam'));
  assert.equal(first.toString('hex'), docExample);
  assert.equal(deriveSigningKey(secret, scope('iam')), first, 'second call is served from the cache');
  assert.notEqual(deriveSigningKey(`${secret}2`, scope('iam')).toString('hex'), docExample);
  for (let i = 0; i < 1000; i++) deriveSigningKey(secret, scope(`svc${i}`));
  assert.ok(signingKeyCacheSize() <= 256, `cache grew to ${signingKeyCacheSize()}`);
  assert.equal(
    deriveSigningKey(secret, scope('iam')).toString('hex'),
    docExample,
    'evicted keys are re-derived',
  );
});
