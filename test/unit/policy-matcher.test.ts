import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileMatcher } from '../../gateway/policy/matcher';
import { cidrContains, parseCidr, parseIpv6 } from '../../gateway/policy/ip';
import { tokenize } from '../../gateway/policy/tokens';

function glob(pattern: string, input: string, fold = false): boolean | undefined {
  return compileMatcher(tokenize(pattern, { wildcards: true, variables: false }), fold).test(
    input,
    0,
    input.length,
    undefined,
  );
}

/** Reference implementation: IAM wildcards as an anchored regular expression. */
function reference(pattern: string, input: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(input);
}

void test('wildcard matching agrees with a regex reference on tricky shapes', () => {
  const patterns = [
    '*',
    '',
    'a',
    'a*',
    '*a',
    'a*b',
    '*a*',
    'a*b*c',
    '?',
    '??*',
    'a?c*',
    '*ab*ab*',
    '*a?b*',
    'ab*ba',
  ];
  const inputs = [
    '',
    'a',
    'b',
    'ab',
    'abc',
    'aXc',
    'abab',
    'aab',
    'abba',
    'aabb',
    'ababab',
    'xayb',
    'a?c',
    'cba',
  ];
  for (const p of patterns) {
    for (const s of inputs)
      assert.equal(glob(p, s), reference(p, s), `${JSON.stringify(p)} vs ${JSON.stringify(s)}`);
  }
});

void test('folding applies to ASCII letters only, and matching respects the given range', () => {
  assert.equal(glob('S3:Get*', 's3:getobject', true), true);
  assert.equal(glob('s3:[', 's3:{', true), false);
  assert.equal(glob('S3:Get*', 's3:getobject', false), false);
  const m = compileMatcher(tokenize('us-*', { wildcards: true, variables: false }), false);
  const arn = 'arn:aws:sqs:us-east-1:123:q';
  assert.equal(m.test(arn, 12, 21, undefined), true);
  assert.equal(m.test(arn, 12, 25, undefined), true);
  assert.equal(m.test(arn, 8, 21, undefined), false);
});

void test('IP parsing: IPv4, compressed and embedded-IPv4 IPv6, CIDR bounds', () => {
  assert.deepEqual([...(parseIpv6('2001:db8::1') ?? [])], [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...(parseIpv6('::ffff:10.0.0.1') ?? [])], [0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
  assert.equal(parseIpv6('1::2::3'), undefined);
  assert.equal(parseIpv6('1:2:3:4:5:6:7:8:9'), undefined);
  assert.equal(parseIpv6('12345::'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.256/8'), undefined);
  assert.equal(parseCidr('::/129'), undefined);
  const all4 = parseCidr('0.0.0.0/0');
  const host = parseCidr('192.0.2.7');
  const net6 = parseCidr('2001:db8:8000::/33');
  assert.ok(all4 && host && net6);
  assert.equal(cidrContains(all4, '255.255.255.255'), true);
  assert.equal(cidrContains(all4, '::1'), false);
  assert.equal(cidrContains(host, '192.0.2.7'), true);
  assert.equal(cidrContains(host, '192.0.2.8'), false);
  assert.equal(cidrContains(net6, '2001:db8:8000::1'), true);
  assert.equal(cidrContains(net6, '2001:db8:7fff::1'), false);
  assert.equal(cidrContains(net6, 'garbage'), undefined);
});
