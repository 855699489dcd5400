import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinearPattern, PatternError } from '../../gateway/masking/linear-pattern';
import { parseRegex, type RegexNode } from '../../gateway/masking/regex-parse';
import { maskShapes } from '../../gateway/masking/shapes';
import { loadPolicyText, PolicyFileError } from '../../gateway/policy-file';

/**
 * The linear scanners must find what the regexes they replace found, and the workspace pattern
 * matcher what JavaScript's engine finds: differential tests on random inputs built from the
 * characters that matter to each.
 */

/** Deterministic PRNG, so a failure names an input that reproduces. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function randomText(r: (n: number) => number, pieces: readonly string[], maxPieces: number): string {
  let out = '';
  const count = r(maxPieces);
  for (let i = 0; i < count; i++) out += pieces[r(pieces.length)];
  return out;
}

// The detectors as they were (quadratic on some inputs, so only run here on short ones).
const OLD = {
  pem: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
  jwt: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  bearer: /\b(Bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/gi,
};

function oldMask(value: string): string {
  let text = value;
  text = text.replace(OLD.pem, (m) => `<pem:${m}>`);
  text = text.replace(OLD.bearer, (_m, prefix: string, token: string) => `${prefix}<bearer:${token}>`);
  text = text.replace(OLD.jwt, (m) => `<jwt:${m}>`);
  return text;
}

function newMask(value: string): string {
  return (
    maskShapes(
      value,
      false,
      (kind, secret) =>
        `<${kind === 'pem-private-key' ? 'pem' : kind === 'bearer-token' ? 'bearer' : 'jwt'}:${secret}>`,
    )?.text ?? value
  );
}

void describe('masking: the shape scanners find what the old regexes found', () => {
  const cases: [string, readonly string[]][] = [
    ['JWT', ['eyJ', 'abcd', 'AB12', '_', '-', '.', ' ', 'x', 'eyJhbGciOi', '.eyJzdWIi', 'é']],
    [
      'bearer',
      ['Bearer', 'bearer', 'BEARER', ' ', '\t', '\u00a0', 'abcdefgh', 'a.b', '~+/', '=', 'x', '-', 'é'],
    ],
    [
      'PEM',
      [
        '-----BEGIN ',
        'PRIVATE KEY-----',
        '-----END ',
        'RSA ',
        'EC ',
        'A',
        ' ',
        '-----',
        'MIIE\n',
        'PRIVATE KEY',
        'x',
      ],
    ],
  ];
  for (const [name, pieces] of cases) {
    void test(name, () => {
      const r = rng(name.length * 7919);
      for (let i = 0; i < 20_000; i++) {
        const text = randomText(r, pieces, 14);
        assert.equal(newMask(text), oldMask(text), JSON.stringify(text));
      }
    });
  }

  void test('the mixes: a bearer JWT, a PEM holding a JWT', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl';
    for (const text of [
      `Authorization: Bearer ${jwt}`,
      `-----BEGIN PRIVATE KEY-----\n${jwt}\n-----END PRIVATE KEY----- then ${jwt}`,
      `-----BEGIN EC PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----`,
    ])
      assert.equal(newMask(text), oldMask(text));
  });
});

/** True when a repetition's body can match empty beyond its minimum (JS and the NFA may then pick different spans). */
function emptyIterations(n: RegexNode): boolean {
  const nullable = (x: RegexNode): boolean =>
    x.t === 'assert'
      ? true
      : x.t === 'set'
        ? false
        : x.t === 'cat'
          ? x.items.every(nullable)
          : x.t === 'alt'
            ? x.items.some(nullable)
            : x.min === 0 || nullable(x.node);
  const walk = (x: RegexNode): boolean =>
    x.t === 'cat' || x.t === 'alt'
      ? x.items.some(walk)
      : x.t === 'rep'
        ? (nullable(x.node) && x.max > x.min) || walk(x.node)
        : false;
  return walk(n);
}

void describe('masking: workspace patterns match as JavaScript does, in linear time', () => {
  void test('leftmost-first matches equal String.prototype.replace on random patterns and inputs', () => {
    const r = rng(42);
    const atoms = ['a', 'b', 'ab', '[ab]', '[^a]', '.', '\\d', '\\w', '\\s', '\\b', '^', '$', '(?:a|b)'];
    atoms.push(
      '(a|ab)',
      '(ab|a)',
      '[a-c]',
      'x',
      '\\.',
      '[\\d-]',
      '\\x61',
      '\\u0062',
      '(?<n>b)',
      '\\S',
      '[^\\s]',
    );
    const quants = ['', '', '', '*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '??', '{1,2}?'];
    const pattern = (depth: number): string => {
      let p = '';
      for (let i = 0, n = 1 + r(4); i < n; i++) {
        let atom = atoms[r(atoms.length)] as string;
        if (depth < 2 && r(5) === 0) atom = `(${pattern(depth + 1)}${r(2) ? `|${pattern(depth + 1)}` : ''})`;
        p += atom + (['\\b', '^', '$'].includes(atom) ? '' : (quants[r(quants.length)] as string));
      }
      return p;
    };
    let compared = 0;
    for (let k = 0; k < 8000; k++) {
      const p = pattern(0);
      let re: RegExp;
      try {
        re = new RegExp(p, 'g');
      } catch {
        continue;
      }
      if (emptyIterations(parseRegex(p))) continue;
      const lp = LinearPattern.compile(p);
      for (let j = 0; j < 5; j++) {
        const t = randomText(r, ['a', 'a', 'b', ' ', 'x', '.', '1', '-', 'c', '\n', 'é'], 12);
        const want = t.replace(re, (m) => (m.length === 0 ? m : `<${m}>`));
        assert.equal(lp.replace(t, (m) => `<${m}>`)?.text, want, `/${p}/ on ${JSON.stringify(t)}`);
        compared++;
      }
    }
    assert.ok(compared > 20_000, `${compared} comparisons`);
  });

  void test('what cannot run in linear time is refused with a reason', () => {
    const refused: [string, RegExp][] = [
      ['(a)\\1', /backreferences/],
      ['(?<x>a)\\k<x>', /named backreferences/],
      ['a(?=b)', /lookahead and lookbehind/],
      ['(?<!x)y', /lookahead and lookbehind/],
      ['(a{100}){100}', /too large/],
      ['(', /Unterminated group/],
    ];
    for (const [p, why] of refused)
      assert.throws(
        () => LinearPattern.compile(p),
        (e) => e instanceof PatternError && why.test(e.message),
        p,
      );
  });

  void test('the policy loader refuses such a pattern, naming the rule', () => {
    const policy = JSON.stringify({ maskRules: [{ id: 'm', pattern: '(\\w+)\\s\\1' }] }, null, 2);
    assert.throws(
      () => loadPolicyText(policy, '/ws/.airlock/policy.json'),
      (e) => e instanceof PolicyFileError && /maskRules\[0\]\.pattern: .*backreferences/.test(e.message),
    );
    assert.doesNotThrow(() =>
      loadPolicyText(
        JSON.stringify({ maskRules: [{ id: 'm', pattern: '(a+)+b' }] }),
        '/ws/.airlock/policy.json',
      ),
    );
  });
});
