import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  compileMaskRules,
  isPlaceholder,
  maskBody,
  maskParams,
  maskQueryString,
  planFor,
  Placeholders,
} from '../../gateway/masking';
import { LinearPattern } from '../../gateway/masking/linear-pattern';
import { hasAccessKeyId, maskShapes } from '../../gateway/masking/shapes';
import type { MaskRule } from '../../gateway/policy-file/types';

/**
 * Every detector on adversarial inputs, timed against a plain scan of the same input measured in
 * the same test: a detector may cost at most K times a loop that reads each code unit once. K is
 * generous (a loaded 2-core machine; an NFA that advances several threads per character; a body
 * scanner that allocates a node and an HMAC per value), but a quadratic detector misses it by
 * orders of magnitude at 1 MB. Each case runs at 64 kB first (where the old JWT regex already
 * took seconds), so that regression fails in seconds instead of stalling for hours at 1 MB.
 */
const K = 3000;
const SIZES = [64 * 1024, 1024 * 1024];

function best(runs: number, f: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return min;
}

let sink = 0;
/** The floor: read every code unit once. */
function plainScan(text: string): void {
  let x = 0;
  for (let i = 0; i < text.length; i++) x = (x + text.charCodeAt(i)) | 0;
  sink ^= x;
}

function fill(unit: string, size: number, head = '', tail = ''): string {
  return head + unit.repeat(Math.ceil((size - head.length - tail.length) / unit.length)) + tail;
}

function linear(name: string, make: (size: number) => string, run: (text: string) => unknown): void {
  void test(name, () => {
    for (const size of SIZES) {
      const text = make(size);
      const floor = best(5, () => plainScan(text));
      const took = best(size > 100_000 ? 1 : 2, () => run(text));
      // 1 ms covers timer granularity and a stray GC pause on inputs the floor reads in microseconds.
      assert.ok(
        took <= K * floor + 1 + size / 65536,
        `${name} at ${text.length} chars: ${took.toFixed(1)} ms, over ${K}× the plain scan (${floor.toFixed(3)} ms)`,
      );
    }
  });
}

const ph = Placeholders.forTask(randomBytes(32), 't-linear');
const noop = (): string => 'X';
const shapes = (keyId: boolean) => (text: string) => maskShapes(text, keyId, noop);

void describe('masking: every secret-shape detector is linear on adversarial input', () => {
  linear('JWT: -eyJ-eyJ… (the reported freeze)', (n) => fill('-eyJ', n), shapes(false));
  linear(
    'JWT: first segments that pass, second that fail',
    (n) => fill('eyJabcdefgh.eyJ-', n),
    shapes(false),
  );
  linear(
    'JWT: valid tokens back to back',
    (n) => fill(' eyJhbGciOiJIUzI1.eyJzdWIiOiIx.c2ln', n),
    shapes(false),
  );
  linear('bearer: repeated keywords', (n) => fill('Bearer ', n), shapes(false));
  linear('bearer: one keyword, then whitespace', (n) => fill(' ', n, 'Bearer'), shapes(false));
  linear('bearer: short tokens', (n) => fill('bearer abc.bearer x-', n), shapes(false));
  linear('PEM: BEGIN lines without a type', (n) => fill('-----BEGIN ', n, 'PRIVATE KEY-----'), shapes(false));
  linear('PEM: long labels', (n) => fill('A ', n, 'PRIVATE KEY----- -----BEGIN '), shapes(false));
  linear(
    'PEM: near-miss END lines',
    (n) => fill('-----END RSA PRIVATE KEY---', n, '-----BEGIN RSA PRIVATE KEY-----'),
    shapes(false),
  );
  linear('secret keys: one long token run', (n) => fill('aB3/', n, 'AKIAIOSFODNN7EXAMPLE '), shapes(true));
  linear(
    'secret keys: 40-character tokens',
    (n) => fill('wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12 ', n, 'AKIAIOSFODNN7EXAMPLE '),
    shapes(true),
  );
  linear('access key ids: prefixes without ids', (n) => fill('AKIAASIA', n), hasAccessKeyId);
  linear('placeholder check', (n) => fill('«airlock:masked:', n, '', '»'), isPlaceholder);
});

void describe('masking: bodies and parameters are linear however they nest', () => {
  const plan = planFor(
    { service: 'lambda', operation: 'GetFunction', actions: ['lambda:GetFunction'] },
    'response',
    compileMaskRules([{ id: 'p', mode: 'mask', jsonPaths: ['$.a.b'] }]),
  );
  const deepJson = (n: number): string => {
    const open = '{"Environment":'.repeat(200);
    const close = '}'.repeat(200);
    return `${open}[${fill('"x",', n - open.length - close.length - 10)}"x"]${close}`;
  };
  linear('JSON: 200 levels deep, a value every 4 characters', deepJson, (t) => maskBody(t, 'json', plan, ph));
  linear(
    'JSON: every value a masked secret under a long key',
    (n) => `{"Environment":{"Variables":{"${'k'.repeat(n / 4)}":[${fill('"s",', n / 2)}"s"]}}}`,
    (t) => maskBody(t, 'json', plan, ph),
  );
  linear(
    'JSON: escapes',
    (n) => `["${fill('\\"\\u00e9', n)}"]`,
    (t) => maskBody(t, 'json', plan, ph),
  );
  linear(
    'XML: elements nested 100 000 deep',
    (n) => fill('<a>x', n),
    (t) => maskBody(t, 'xml', plan, ph),
  );
  linear(
    'XML: entities',
    (n) => `<a>${fill('&#x41;&amp;', n)}</a>`,
    (t) => maskBody(t, 'xml', plan, ph),
  );
  linear(
    'XML: an unterminated attribute',
    (n) => fill('<', n, '<a b="'),
    (t) => maskBody(t, 'xml', plan, ph),
  );
  linear(
    'text: a JWT freeze in a body that is not JSON',
    (n) => fill('-eyJ', n),
    (t) => maskBody(t, 'json', plan, ph),
  );
  linear(
    'request parameters: deep objects',
    (n) => 'x'.repeat(n),
    (t) => {
      let v: unknown = Array.from({ length: t.length / 8 }, () => 'v');
      for (let i = 0; i < 60; i++) v = { Environment: v };
      return maskParams({ Item: v }, plan, ph);
    },
  );
  linear(
    'query strings',
    (n) => fill('Password=eyJ-&', n),
    (t) => maskQueryString(t, plan, ph),
  );
});

void describe('masking: workspace patterns run in linear time whatever the pattern', () => {
  const rulePlan = (pattern: string) =>
    planFor(
      { service: 'dynamodb', operation: 'GetItem', actions: ['dynamodb:GetItem'] },
      'response',
      compileMaskRules([{ id: 'r', mode: 'mask', pattern } satisfies MaskRule]),
    );
  const cases: [string, (n: number) => string][] = [
    ['(a+)+b', (n) => 'a'.repeat(n)],
    ['(x+x+)+y', (n) => 'x'.repeat(n)],
    ['.*.*.*=.*x', (n) => fill('a=', n)],
    ['([A-Za-z0-9]+)*!', (n) => fill('aB3', n)],
    ['(a|aa)+$', (n) => fill('a', n, '', 'b')],
    ['\\w{60}x', (n) => 'a'.repeat(n)],
    ['a.*b|a', (n) => 'a'.repeat(n)],
    ['TKT-[0-9]{10}', (n) => fill('TKT-123456789 ', n)],
    ['[A-Za-z0-9+/]{40}', (n) => fill('aB3+', n)],
  ];
  for (const [pattern, make] of cases) {
    const plan = rulePlan(pattern);
    linear(`pattern ${pattern}`, make, (t) => maskBody(JSON.stringify({ v: t }), 'json', plan, ph));
  }

  void test('a value the matcher cannot finish within its budget is masked whole, never passed', () => {
    const r = maskBody(JSON.stringify({ v: 'a'.repeat(200_000) }), 'json', rulePlan('\\w{300}x|a'), ph);
    const v = (JSON.parse(r.agent) as { v: string }).v;
    assert.match(v, /^«airlock:masked:rule:r:[0-9a-f]{12}»$/);
    assert.ok(!r.record.includes('aaaa'));
  });

  void test('a pattern that can run cheaply still finds every match', () => {
    const p = LinearPattern.compile('TKT-[0-9]{10}');
    const r = p.replace(`x TKT-0123456789 y ${fill('z', 100_000)} TKT-9999999999`, () => '#');
    assert.equal(r?.count, 2);
    assert.ok(r?.text.startsWith('x # y '));
  });
});

void test('the plain-scan floor was measured (keeps the loop from being optimised away)', () => {
  assert.equal(typeof sink, 'number');
});
