import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { bodyBindingNote } from '../../gateway/approvals/body-note';
import { type KeyedRequest, requestKey } from '../../gateway/approvals/request-key';
import { forwardableHeaders } from '../../gateway/upstream/resign';
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
  readonly taskId?: string;
  readonly realHost?: string;
}

/** Signs a call the way an SDK attempt would and returns what the gateway keys it by. */
async function keyOf(a: Attempt): Promise<string> {
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
    taskId: a.taskId ?? 'task-1',
    method: 'POST',
    rawUrl,
    rawHeaders,
    ...(a.realHost !== undefined ? { realHost: a.realHost } : {}),
    scope: { service: auth.scope.service, region: auth.scope.region },
    bodySha256: sha256Hex(Buffer.from(body)),
    streamed: false,
  };
  return requestKey(req).key;
}

void test('an SDK retry (new date, new signature, next attempt number) is the same call', async () => {
  const first = await keyOf({
    headers: { 'amz-sdk-request': 'attempt=1; max=3', 'amz-sdk-invocation-id': 'a', 'user-agent': 'cli/1' },
  });
  const retry = await keyOf({
    date: '2026-05-01T12:01:05Z',
    headers: {
      'amz-sdk-request': 'ttl=20260501T120200Z; attempt=2; max=3',
      'amz-sdk-invocation-id': 'a',
      'user-agent': 'cli/1',
    },
    unsigned: { date: 'Fri, 01 May 2026 12:01:05 GMT' },
  });
  assert.equal(retry, first);
  // A re-run of the same command (new invocation) while the approval is pending: same call too.
  assert.equal(
    await keyOf({
      headers: { 'amz-sdk-request': 'attempt=1; max=3', 'amz-sdk-invocation-id': 'b', 'user-agent': 'cli/1' },
    }),
    first,
  );
});

void test('a header the agent did not sign still makes a different call: the gateway forwards it', async () => {
  const base = await keyOf({});
  const unsigned: Record<string, string>[] = [
    { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' },
    { 'x-amz-copy-source': '/secret-bucket/key' },
    { 'x-amz-acl': 'public-read' },
    { 'cache-control': 'no-cache' },
    { 'user-agent': 'another-tool/1' },
    { 'x-amzn-trace-id': 'Root=1-abc' },
    { 'x-extra': '1' },
  ];
  const keys = await Promise.all(unsigned.map((u) => keyOf({ unsigned: u })));
  for (const [i, k] of keys.entries()) assert.notEqual(k, base, JSON.stringify(unsigned[i]));
  assert.equal(new Set(keys).size, keys.length);
  // Its value counts, not just its presence.
  assert.notEqual(
    await keyOf({ unsigned: { 'x-amz-acl': 'private' } }),
    await keyOf({ unsigned: { 'x-amz-acl': 'public-read' } }),
  );
});

void test('headers the gateway never forwards (hop-by-hop, proxy) do not change the call', async () => {
  const base = await keyOf({});
  const hopByHop: Record<string, string>[] = [
    { connection: 'keep-alive' },
    { 'keep-alive': 'timeout=5' },
    { expect: '100-continue' },
    { te: 'trailers' },
    { 'proxy-authorization': 'Basic eA==' },
    { 'x-amz-security-token': 'tok' },
  ];
  for (const h of hopByHop) assert.equal(await keyOf({ unsigned: h }), base, JSON.stringify(h));
});

void test('every header that is forwarded is in the key, except the documented per-attempt ones', () => {
  // Any name the forward stage keeps must change the key, whatever it is, so an addition to
  // forwarding cannot open a gap: only these three are left out, and AWS does not act on them.
  const perAttempt = new Set(['date', 'amz-sdk-invocation-id', 'amz-sdk-request']);
  const candidates = [
    'content-type',
    'content-length',
    'content-md5',
    'content-encoding',
    'content-language',
    'content-disposition',
    'cache-control',
    'expires',
    'if-match',
    'if-none-match',
    'range',
    'user-agent',
    'x-amz-user-agent',
    'x-amz-target',
    'x-amz-acl',
    'x-amz-grant-full-control',
    'x-amz-copy-source',
    'x-amz-copy-source-range',
    'x-amz-metadata-directive',
    'x-amz-server-side-encryption',
    'x-amz-meta-anything',
    'x-amz-checksum-crc32',
    'x-amz-content-sha256',
    'x-amz-decoded-content-length',
    'x-amz-expected-bucket-owner',
    'x-amz-bypass-governance-retention',
    'x-amz-mfa',
    'x-amzn-trace-id',
    'x-random-header',
    ...perAttempt,
  ];
  const common = {
    taskId: 't',
    method: 'PUT',
    rawUrl: '/b/k',
    scope: { service: 's3', region: 'us-east-1' },
    bodySha256: sha256Hex(Buffer.from('x')),
    streamed: false,
  };
  const base = requestKey({ ...common, rawHeaders: ['host', 'h'] }).key;
  for (const name of candidates) {
    const forwarded = name in forwardableHeaders([name, 'v']);
    const k = requestKey({ ...common, rawHeaders: ['host', 'h', name, 'v'] }).key;
    if (perAttempt.has(name)) assert.equal(k, base, `${name} is per attempt`);
    else {
      assert.ok(forwarded, `${name} is forwarded`);
      assert.notEqual(k, base, `${name} reaches AWS, so it must be part of the key`);
    }
  }
});

void test('anything else the agent sent makes a different call', async () => {
  const base = await keyOf({});
  const variants = [
    await keyOf({ body: 'Action=CreateRole&RoleName=bot2' }),
    await keyOf({ query: { Action: 'CreateRole' } }),
    await keyOf({ headers: { 'x-amz-target': 'Other' } }),
    await keyOf({ taskId: 'task-2' }),
    await keyOf({ realHost: 'iam.amazonaws.com' }),
  ];
  for (const v of variants) assert.notEqual(v, base);
  assert.equal(new Set(variants).size, variants.length);
});

void test('where the call goes is part of it: host, credential scope region and service', () => {
  const common = {
    taskId: 't',
    method: 'DELETE',
    rawUrl: '/2015-03-31/functions/prod',
    rawHeaders: ['host', '127.0.0.1:4000'],
    scope: { service: 'lambda', region: 'us-east-1' },
    streamed: false,
  };
  const base = requestKey(common).key;
  assert.notEqual(requestKey({ ...common, scope: { service: 'lambda', region: 'eu-west-1' } }).key, base);
  assert.notEqual(
    requestKey({ ...common, scope: { service: 'execute-api', region: 'us-east-1' } }).key,
    base,
  );
  assert.notEqual(requestKey({ ...common, rawHeaders: ['host', 'prod.127.0.0.1:4000'] }).key, base);
  assert.equal(requestKey(common).body.kind, 'none');
});

void test('query: presign parameters are not part of the call; every other parameter and its order is', () => {
  const common = {
    taskId: 't',
    method: 'GET',
    rawHeaders: ['host', 'h'],
    scope: { service: 's3', region: 'us-east-1' },
    streamed: false,
  };
  const k = (rawUrl: string): string => requestKey({ ...common, rawUrl }).key;
  const a = k(
    '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Date=20260501T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=aa&versionId=3',
  );
  const b = k(
    '/b/k?versionId=3&X-Amz-Date=20260501T121000Z&X-Amz-Signature=bb&X-Amz-Credential=a&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-SignedHeaders=host',
  );
  assert.equal(a, b);
  assert.notEqual(k('/b/k?versionId=4'), a);
  assert.notEqual(k('/b/k?versionId=3&acl'), a, 'an added parameter');
  assert.notEqual(k('/b/k?a=1&a=2'), k('/b/k?a=2&a=1'), 'duplicates are forwarded in order');
});

void test('bodies: bytes when the gateway or AWS checks them, the declared length for unsigned uploads, else each attempt alone', () => {
  const common = {
    taskId: 't',
    method: 'PUT',
    rawUrl: '/b/k',
    scope: { service: 's3', region: 'us-east-1' },
  };
  const h = (...extra: string[]): string[] => ['host', 'h', ...extra];
  // Buffered: the bytes.
  const buf = requestKey({
    ...common,
    rawHeaders: h(),
    bodySha256: sha256Hex(Buffer.from('a')),
    streamed: false,
  });
  assert.deepEqual(buf.body, { kind: 'sha256', sha256: sha256Hex(Buffer.from('a')) });
  assert.notEqual(
    requestKey({ ...common, rawHeaders: h(), bodySha256: sha256Hex(Buffer.from('b')), streamed: false }).key,
    buf.key,
  );
  // Streamed with a digest AWS checks against the bytes: bound by it.
  const digest = sha256Hex(Buffer.from('object'));
  const signedStream = requestKey({
    ...common,
    rawHeaders: h('x-amz-content-sha256', digest, 'content-length', '6'),
    streamed: true,
  });
  assert.deepEqual(signedStream.body, { kind: 'sha256', sha256: digest });
  // Streamed UNSIGNED-PAYLOAD: nobody can see the bytes before they go; length and checksums bind.
  const unsigned = (len: string, ...extra: string[]): ReturnType<typeof requestKey> =>
    requestKey({
      ...common,
      rawHeaders: h('x-amz-content-sha256', 'UNSIGNED-PAYLOAD', 'content-length', len, ...extra),
      streamed: true,
    });
  assert.deepEqual(unsigned('6').body, { kind: 'declared-length', bytes: 6 });
  assert.equal(unsigned('6').key, unsigned('6').key, 'a retry of the same upload is the same call');
  assert.notEqual(unsigned('7').key, unsigned('6').key);
  assert.notEqual(unsigned('6', 'x-amz-checksum-crc32', 'AAAAAA==').key, unsigned('6').key);
  // aws-chunked with a trailer: the decoded length is what is declared.
  const trailer = requestKey({
    ...common,
    rawHeaders: h(
      'x-amz-content-sha256',
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length',
      '6',
      'content-length',
      '60',
    ),
    streamed: true,
  });
  assert.deepEqual(trailer.body, { kind: 'declared-length', bytes: 6 });
  // No length at all: nothing ties two attempts together, so each waits for its own decision.
  const chunked = (): ReturnType<typeof requestKey> =>
    requestKey({
      ...common,
      rawHeaders: h('x-amz-content-sha256', 'UNSIGNED-PAYLOAD', 'transfer-encoding', 'chunked'),
      streamed: true,
    });
  assert.equal(chunked().body.kind, 'per-attempt');
  assert.notEqual(chunked().key, chunked().key);
  // What the approver is told: only when the bytes are not bound.
  assert.match(bodyBindingNote(unsigned('6').body) ?? '', /6-byte body .* not its content/);
  assert.match(bodyBindingNote(chunked().body) ?? '', /this one attempt/);
  assert.equal(bodyBindingNote(buf.body), undefined);
  assert.equal(bodyBindingNote(signedStream.body), undefined);
});
