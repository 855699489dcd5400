/** Hostile and random input never makes identify() throw; plus a per-call cost figure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import type { Identified, RequestView } from '../../gateway/aws/types';
import { mulberry32 } from '../support/mulberry32';

const SIGNING_NAMES = [
  's3',
  'dynamodb',
  'sqs',
  'sts',
  'ec2',
  'iam',
  'lambda',
  'rds',
  'monitoring',
  's3-object-lambda',
  'execute-api',
  '',
  'ü',
  '__proto__',
  'constructor',
];
const PIECES = [
  '/',
  '%',
  '%2F',
  '%zz',
  '{',
  '}',
  '+',
  '..',
  '?',
  '&',
  '=',
  '\u0000',
  'é',
  '\uffff',
  'v20180820',
  '2015-03-31',
  'functions',
  'invocations',
  '__proto__',
  'Bucket',
  ' ',
  '//',
];
const TARGETS = [
  'DynamoDB_20120810.PutItem',
  'AmazonSQS.',
  '.',
  '',
  'a.b.c',
  'DynamoDB_20120810.__proto__',
  'x,y',
  'DynamoDB_20120810.constructor',
];
const FORM_BODIES = [
  'Action=',
  'Action=%',
  'Action=__proto__',
  'Action=toString&Version=x',
  '&&&==&',
  'InstanceId.99999999999=1',
  '__proto__.1=x&__proto__=y',
];
const JSON_BODIES = [
  '{',
  '[]',
  'null',
  '"s"',
  '{"__proto__":{"a":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '[[[[[[[[[[',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function randomView(r: () => number): RequestView {
  const parts: string[] = [];
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) parts.push(r() < 0.7 ? pick(r, PIECES) : randomBytes(r, 4).toString('latin1'));
  const headers: Record<string, string> = {};
  if (r() < 0.5)
    headers['x-amz-target'] = r() < 0.7 ? pick(r, TARGETS) : randomBytes(r, 12).toString('latin1');
  if (r() < 0.5)
    headers['content-type'] = pick(r, [
      'application/x-www-form-urlencoded',
      'application/x-amz-json-1.0',
      'text/plain',
      '',
    ]);
  if (r() < 0.3) headers['x-amz-copy-source'] = randomBytes(r, 8).toString('latin1');
  if (r() < 0.2) headers['x-amz-account-id'] = pick(r, ['123456789012', 'evil.example.com', '']);
  const bodyKind = r();
  const body =
    bodyKind < 0.25
      ? Buffer.from(pick(r, FORM_BODIES))
      : bodyKind < 0.5
        ? Buffer.from(pick(r, JSON_BODIES))
        : bodyKind < 0.7
          ? randomBytes(r, Math.floor(r() * 64))
          : undefined;
  const query: Array<[string, string]> = [];
  const q = Math.floor(r() * 4);
  for (let i = 0; i < q; i++)
    query.push([
      pick(r, ['Action', 'x-id', 'uploads', 'list-type', 'partNumber', '__proto__', pick(r, PIECES)]),
      pick(r, PIECES),
    ]);
  return {
    method: pick(r, ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'get', 'BREW', '']),
    path: (r() < 0.9 ? '/' : '') + parts.join(r() < 0.5 ? '/' : ''),
    query,
    headers,
    ...(body ? { body } : {}),
    signingName: r() < 0.9 ? pick(r, SIGNING_NAMES) : randomBytes(r, 6).toString('latin1'),
    region: 'us-east-1',
    ...(r() < 0.3
      ? {
          host: pick(r, [
            'b.s3.us-east-1.amazonaws.com',
            '.amazonaws.com',
            's3..amazonaws.com',
            'x:99999',
            'a'.repeat(300) + '.s3.amazonaws.com',
            '',
          ]),
        }
      : {}),
  };
}

function wellFormed(got: Identified): void {
  assert.equal(typeof got.service, 'string');
  assert.equal(typeof got.iamPrefix, 'string');
  assert.equal(typeof got.params, 'object');
  assert.ok(got.operation === undefined || typeof got.operation === 'string');
}

void test('random and hostile requests never throw', () => {
  const r = mulberry32(0xa1f10c);
  let identifiedOps = 0;
  for (let i = 0; i < 20000; i++) {
    const v = randomView(r);
    let got: Identified;
    try {
      got = identify(v);
    } catch (err) {
      assert.fail(
        `identify threw on ${JSON.stringify({ ...v, body: v.body?.toString('latin1') })}: ${String(err)}`,
      );
    }
    wellFormed(got);
    if (got.operation !== undefined) identifiedOps++;
  }
  assert.equal(({} as Record<string, unknown>).a, undefined, 'no prototype pollution');
  assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype pollution');
  // Some random requests do land on real operations (GET /x is GetObject); all must be well formed.
  assert.ok(identifiedOps > 0);
});

void test('huge and deeply nested inputs are handled', () => {
  const hugePath = '/b/' + 'a/'.repeat(500_000) + 'k';
  const big = identify({
    method: 'GET',
    path: hugePath,
    query: [],
    headers: {},
    signingName: 's3',
    region: 'us-east-1',
  });
  assert.equal(big.operation, 'GetObject');
  assert.equal((big.params.Key as string).length, hugePath.length - 3);
  const deep = identify({
    method: 'POST',
    path: '/',
    query: [],
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: Buffer.from('['.repeat(1_000_000)),
    signingName: 'dynamodb',
    region: 'us-east-1',
  });
  assert.deepEqual([deep.operation, deep.params], ['PutItem', {}]);
  const manyKeys = Array.from({ length: 100_000 }, (_, i) => `InstanceId.${i + 1}=i-${i}`).join('&');
  const ec2 = identify({
    method: 'POST',
    path: '/',
    query: [],
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(`Action=TerminateInstances&Version=2016-11-15&${manyKeys}`),
    signingName: 'ec2',
    region: 'us-east-1',
  });
  assert.equal(ec2.operation, 'TerminateInstances');
  assert.equal((ec2.params.InstanceId as string[]).length, 100_000);
});

void test('cost per identification (printed, not asserted)', () => {
  const put: RequestView = {
    method: 'POST',
    path: '/',
    query: [],
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from('{"TableName":"orders","Item":{"id":{"S":"1"}}}'),
    signingName: 'dynamodb',
    region: 'us-east-1',
  };
  const get: RequestView = {
    method: 'GET',
    path: '/my-bucket/dir/file.txt',
    query: [['x-id', 'GetObject']],
    headers: {},
    signingName: 's3',
    region: 'us-east-1',
  };
  const n = 100_000;
  for (const [name, v, expected] of [
    ['DynamoDB PutItem', put, 'PutItem'],
    ['S3 GetObject', get, 'GetObject'],
  ] as const) {
    identify(v);
    const start = process.hrtime.bigint();
    let ok = 0;
    for (let i = 0; i < n; i++) if (identify(v).operation === expected) ok++;
    const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
    console.log(`identify ${name}: ${micros.toFixed(2)} µs/op over ${n} calls`);
    assert.equal(ok, n);
  }
});
