import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson } from '../../gateway/journal/canonical-json';

// Hashes in the recording are taken over this form, so any reader must be able to recompute it.

void test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: null } }),
    '{"a":{"c":null,"d":[1,{"x":2,"z":1}]},"b":1}',
  );
  // Keys that need escaping, and values JSON has no form for, as JSON.stringify writes them.
  assert.equal(
    canonicalJson({ 'q"k': 1, 'é\n': [undefined, NaN], '': 'x' }),
    '{"":"x","q\\"k":1,"é\\n":[null,null]}',
  );
});

void test('canonical JSON writes every string and key exactly as JSON.stringify does', () => {
  // Seeded, so a failure reproduces: quotes, backslashes, controls, DEL, non-ASCII, surrogates.
  const alphabet = [
    'a',
    'Z',
    '0',
    ' ',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\u001f',
    '\u007f',
    'é',
    '\u2028',
    '\ud83d',
    '\ude00',
    '😀',
    '/',
    ':',
  ];
  let seed = 7;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const word = (): string => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;
  for (let i = 0; i < 2000; i++) {
    const s = word();
    assert.equal(canonicalJson(s), JSON.stringify(s));
    const obj = { [word()]: word(), [word()]: [word(), { [word()]: word() }] };
    assert.equal(canonicalJson(obj), JSON.stringify(sorted(obj)));
  }
});

void test('canonical JSON orders keys as Array.prototype.sort does, for few keys and many', () => {
  // The plain form of the algorithm, as first written: what every recorded hash was computed over.
  const reference = (v: unknown): string => {
    if (v === null || typeof v !== 'object')
      return typeof v === 'number' && !Number.isFinite(v) ? 'null' : (JSON.stringify(v) ?? 'null');
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : reference(x))).join(',')}]`;
    const o = v as Record<string, unknown>;
    const members = Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`);
    return `{${members.join(',')}}`;
  };
  // Keys whose code-unit order differs from code-point and numeric order, and integer-like keys
  // (which objects enumerate first); numbers JSON writes in exponent form, -0 and non-finite.
  const keys = ['b', 'a', 'B', '_', '0', '10', '9', '01', 'é', '\ud83d\ude00', '\uffff', 'aa', 'a.b', ''];
  const values: unknown[] = [1, -0, 1e21, 5e-7, 0.1 + 0.2, NaN, -Infinity, true, false, null, 'x', undefined];
  let seed = 11;
  const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const build = (depth: number): unknown => {
    const o: Record<string, unknown> = {};
    // 0 to 40 keys: both sides of the insertion-sort cut-off.
    const n = rand(41);
    for (let i = 0; i < n; i++) {
      const k = `${keys[rand(keys.length)]}${rand(3) === 0 ? String(rand(30)) : ''}`;
      o[k] = depth > 0 && rand(4) === 0 ? build(depth - 1) : values[rand(values.length)];
    }
    return rand(5) === 0 ? [o, undefined, values[rand(values.length)]] : o;
  };
  for (let i = 0; i < 500; i++) {
    const v = build(2);
    assert.equal(canonicalJson(v), reference(v));
  }
});
