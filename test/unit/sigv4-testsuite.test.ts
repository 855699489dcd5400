/**
 * Every vector of the AWS SigV4 test suite (botocore's copy, see SOURCE.md beside it): canonical
 * request, string-to-sign and signature verification, plus one-character tampering.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  buildCanonicalRequest,
  buildStringToSign,
  checkSignature,
  parseAuth,
  resolvePayloadHash,
  verifySignature,
  type ParsedAuth,
  type RawRequest,
} from '../../gateway/sigv4';

const SUITE = path.resolve(import.meta.dirname, '../fixtures/sigv4-testsuite');
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TOKEN_AFTER_SIGNING = 'post-sts-header-after';
/**
 * Upstream defect: this .sreq carries get-vanilla's signature, although its own .authz, .sts
 * and .creq (which include the token) agree with each other. Its .sreq is checked to FAIL, and
 * the request is verified with the .authz header instead.
 */
const STALE_SREQ: ReadonlySet<string> = new Set(['get-vanilla-with-session-token']);

interface Vector {
  readonly name: string;
  readonly dir: string;
}

/** A vector is a folder holding `<folder>.req`; some sit one level down (normalize-path/…). */
function findVectors(dir: string, prefix = ''): Vector[] {
  const found: Vector[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    const name = prefix + entry.name;
    if (existsSync(path.join(sub, `${entry.name}.req`))) found.push({ name, dir: sub });
    found.push(...findVectors(sub, `${name}/`));
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Files are read as latin1: one char per byte, the way Node hands over req.url and headers. */
function read(v: Vector, ext: string): string {
  return readFileSync(path.join(v.dir, `${path.basename(v.dir)}.${ext}`), 'latin1');
}

interface HttpMessage {
  readonly raw: RawRequest;
  readonly body: Buffer;
}

/**
 * Parses the suite's HTTP text. The request target is everything between the method and the
 * last space (get-space has a raw space in it). A line starting with whitespace continues the
 * previous header; it is kept with its line break, the hardest case for canonicalisation.
 */
function parseHttp(text: string): HttpMessage {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  const method = requestLine.slice(0, firstSpace);
  const rawUrl = requestLine.slice(firstSpace + 1, lastSpace);
  const rawHeaders: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && rawHeaders.length > 0) {
      rawHeaders[rawHeaders.length - 1] += `\n${line}`;
      continue;
    }
    if (line === '') continue;
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `header line without a colon: ${line}`);
    rawHeaders.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return { raw: { method, rawUrl, rawHeaders }, body: Buffer.from(body, 'latin1') };
}

const vectors = findVectors(SUITE);

void test('the suite is where SOURCE.md says and holds all 34 vectors', () => {
  assert.ok(existsSync(path.join(SUITE, 'SOURCE.md')), `no test suite at ${SUITE}`);
  assert.ok(vectors.length >= 34, `found only ${vectors.length} vectors`);
  assert.ok(vectors.some((v) => v.name === 'normalize-path/get-space'));
  assert.ok(vectors.some((v) => v.name === 'post-sts-token/post-sts-header-before'));
});

/** The .sreq with its Authorization header replaced by the vector's .authz. */
function signedRequest(v: Vector): { msg: HttpMessage; auth: ParsedAuth; payloadHash: string } {
  const sreq = parseHttp(read(v, 'sreq'));
  const msg = { ...sreq, raw: withHeader(sreq.raw, 'authorization', () => read(v, 'authz')) };
  const auth = parseAuth(msg.raw);
  return { msg, auth, payloadHash: resolvePayloadHash(auth, msg.body) };
}

function withHeader(raw: RawRequest, name: string, change: (v: string) => string): RawRequest {
  const rawHeaders = [...raw.rawHeaders];
  const i = rawHeaders.findIndex((h, idx) => idx % 2 === 0 && h.toLowerCase() === name);
  assert.ok(i >= 0, `no ${name} header`);
  rawHeaders[i + 1] = change(rawHeaders[i + 1] ?? '');
  return { ...raw, rawHeaders };
}

function changeOneChar(s: string, at: number): string {
  const c = s[at];
  return s.slice(0, at) + (c === 'a' ? 'b' : 'a') + s.slice(at + 1);
}

for (const v of vectors) {
  void test(`vector ${v.name}`, () => {
    const expectedCreq = read(v, 'creq');
    const expectedSts = read(v, 'sts');
    const { msg, auth, payloadHash } = signedRequest(v);

    assert.equal(auth.kind, 'header');
    assert.equal(auth.accessKeyId, 'AKIDEXAMPLE');
    assert.deepEqual(auth.scope, {
      date: '20150830',
      region: 'us-east-1',
      service: 'service',
      terminator: 'aws4_request',
    });
    assert.equal(auth.amzDate, '20150830T123600Z');
    assert.equal(auth.requestTime.toISOString(), '2015-08-30T12:36:00.000Z');
    const sreq = parseHttp(read(v, 'sreq'));
    const sreqAuth = parseAuth(sreq.raw);
    const sreqVerifies = verifySignature(sreq.raw, sreqAuth, SECRET, payloadHash);
    if (STALE_SREQ.has(v.name)) {
      assert.notEqual(sreqAuth.signature, auth.signature);
      assert.equal(sreqVerifies, false, 'the stale .sreq signature must not verify');
    } else {
      assert.equal(sreqAuth.signature, auth.signature, '.authz and .sreq agree');
      assert.equal(sreqVerifies, true, 'the .sreq as given verifies');
    }

    // What the server sees: the signed request.
    const fromSigned = buildCanonicalRequest(msg.raw, auth, payloadHash);
    assert.equal(fromSigned.canonicalRequest, expectedCreq);
    assert.deepEqual(fromSigned.missingHeaders, []);
    assert.equal(buildStringToSign(auth, fromSigned.canonicalRequest), expectedSts);
    const check = checkSignature(msg.raw, auth, SECRET, payloadHash);
    assert.equal(check.ok, true, `signature should verify (${check.reason ?? ''})`);
    assert.equal(check.stringToSign, expectedSts);

    // What the client started from: the unsigned request. The session-token vector's .req
    // lacks the token header its signer adds, so it has nothing to compare there.
    const unsigned = parseHttp(read(v, 'req'));
    const fromUnsigned = buildCanonicalRequest(unsigned.raw, auth, payloadHash);
    if (v.name === 'get-vanilla-with-session-token') {
      assert.deepEqual(fromUnsigned.missingHeaders, ['x-amz-security-token']);
    } else {
      assert.equal(fromUnsigned.canonicalRequest, expectedCreq);
      assert.equal(resolvePayloadHash(auth, unsigned.body), payloadHash);
    }

    // One character off anywhere that is signed must fail.
    const sig = auth.signature;
    assert.equal(
      verifySignature(msg.raw, { ...auth, signature: changeOneChar(sig, 17) }, SECRET, payloadHash),
      false,
    );
    // AWS compares the hex as text; so do we.
    assert.equal(
      verifySignature(msg.raw, { ...auth, signature: sig.toUpperCase() }, SECRET, payloadHash),
      false,
    );
    assert.equal(verifySignature(msg.raw, auth, `${SECRET}x`, payloadHash), false);
    const badHost = withHeader(msg.raw, 'host', (h) => changeOneChar(h, 3));
    assert.equal(verifySignature(badHost, auth, SECRET, payloadHash), false);
    const badDate = withHeader(msg.raw, 'x-amz-date', (d) => d.replace('T1236', 'T1237'));
    assert.equal(verifySignature(badDate, auth, SECRET, payloadHash), false);
    const signedOther = auth.signedHeaders.find((h) => h !== 'host' && h !== 'x-amz-date');
    if (signedOther !== undefined) {
      const bad = withHeader(msg.raw, signedOther, (h) => changeOneChar(h, h.length - 1));
      assert.equal(verifySignature(bad, auth, SECRET, payloadHash), false, `tampered ${signedOther}`);
    }
    const { rawUrl } = msg.raw;
    const pathEnd = rawUrl.includes('?') ? rawUrl.indexOf('?') : rawUrl.length;
    const badPath =
      pathEnd > 1 ? changeOneChar(rawUrl, pathEnd - 1) : `${rawUrl.slice(0, 1)}a${rawUrl.slice(1)}`;
    assert.equal(verifySignature({ ...msg.raw, rawUrl: badPath }, auth, SECRET, payloadHash), false, badPath);
    assert.equal(
      verifySignature(
        { ...msg.raw, method: msg.raw.method === 'GET' ? 'PUT' : 'GET' },
        auth,
        SECRET,
        payloadHash,
      ),
      false,
    );
  });
}

void test('post-sts-header-after: a token added after signing is not signed and does not break it', () => {
  const v = vectors.find((x) => x.name.endsWith(TOKEN_AFTER_SIGNING));
  assert.ok(v);
  const { msg, auth, payloadHash } = signedRequest(v);
  assert.ok(auth.securityToken?.startsWith('AQoDYXdzEPT'));
  assert.ok(!auth.signedHeaders.includes('x-amz-security-token'));
  assert.equal(verifySignature(msg.raw, auth, SECRET, payloadHash), true);
});

void test('a query-bearing vector fails when one query character changes', () => {
  const v = vectors.find((x) => x.name === 'get-vanilla-query-order-key-case');
  assert.ok(v);
  const { msg, auth, payloadHash } = signedRequest(v);
  assert.equal(verifySignature(msg.raw, auth, SECRET, payloadHash), true);
  const rawUrl = msg.raw.rawUrl.replace('value2', 'value3');
  assert.equal(verifySignature({ ...msg.raw, rawUrl }, auth, SECRET, payloadHash), false);
});

void test('a body-bearing vector fails when one body byte changes', () => {
  const v = vectors.find((x) => x.name === 'post-x-www-form-urlencoded');
  assert.ok(v);
  const { msg, auth } = signedRequest(v);
  assert.equal(verifySignature(msg.raw, auth, SECRET, resolvePayloadHash(auth, msg.body)), true);
  const tampered = Buffer.from('Param1=value2');
  assert.equal(verifySignature(msg.raw, auth, SECRET, resolvePayloadHash(auth, tampered)), false);
});
