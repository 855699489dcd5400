import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, parseJsonWithPositions } from '../../gateway/policy-file/json-positions';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  assert.fail(`parsed without error: ${text}`);
}

void test('positions of values and property names, 1-based, by path', () => {
  const text = '{\n  "denyRules": [\n    {"id": "a",\n     "actions": ["iam:*", "s3:*"]}\n  ]\n}';
  const j = parseJsonWithPositions(text);
  assert.deepEqual(j.locate([]), { line: 1, column: 1 });
  assert.deepEqual(j.locate(['denyRules']), { line: 2, column: 16 });
  assert.deepEqual(j.locate(['denyRules'], true), { line: 2, column: 3 });
  assert.deepEqual(j.locate(['denyRules', 0, 'id']), { line: 3, column: 12 });
  assert.deepEqual(j.locate(['denyRules', 0, 'actions', 1]), { line: 4, column: 27 });
  assert.deepEqual(j.locate(['denyRules', 0, 'actions'], true), { line: 4, column: 6 });
  assert.equal(j.locate(['denyRules', 1]), undefined);
});

void test('agrees with JSON.parse on seeded random documents', () => {
  let seed = 0x1234abcd;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const str = (): string =>
    Array.from({ length: rnd(8) }, () => ['a', 'é', '"', '\\', '\n', '\u2028', '😀', ' ', '/'][rnd(9)]).join(
      '',
    );
  const value = (depth: number): unknown => {
    switch (depth > 4 ? rnd(4) : rnd(6)) {
      case 0:
        return str();
      case 1:
        return rnd(3) === 0 ? -rnd(1000) / 7 : rnd(1_000_000);
      case 2:
        return [true, false, null][rnd(3)];
      case 3:
        return 1e21 * rnd(3);
      case 4:
        return Array.from({ length: rnd(4) }, () => value(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = rnd(4); i > 0; i--) o[`${str()}${i}`] = value(depth + 1);
        return o;
      }
    }
  };
  for (let i = 0; i < 2000; i++) {
    const doc = value(0);
    const text = JSON.stringify(doc, null, [0, 2, '\t'][rnd(3)]);
    assert.deepEqual(parseJsonWithPositions(text).value, JSON.parse(text), text);
  }
});

void test('syntax errors name line and column of the problem', () => {
  assert.deepEqual(syntaxError('{\n  "a": 1,\n}').position, { line: 3, column: 1 });
  assert.match(syntaxError('{\n  "a": 1,\n}').detail, /trailing comma/);
  assert.deepEqual(syntaxError('{\n  "a": 1\n  "b": 2\n}').position, { line: 3, column: 3 });
  assert.match(syntaxError('[1, 2,]').detail, /trailing comma before "\]"/);
  assert.match(syntaxError('{"a": tru}').detail, /expected a value/);
  assert.match(syntaxError('{"a": "x\ny"}').detail, /control character/);
  assert.match(syntaxError('{"a": "\\q"}').detail, /bad escape/);
  assert.match(syntaxError('{"a": "unterminated').detail, /unterminated string/);
  assert.match(syntaxError('').detail, /empty/);
  assert.match(syntaxError('{} {}').detail, /after the end/);
  assert.match(syntaxError("{'a': 1}").detail, /double quotes/);
  assert.match(syntaxError('{\n  // note\n  "a": 1\n}').detail, /comments are not allowed/);
  assert.deepEqual(syntaxError('{\n  // note\n}').position, { line: 2, column: 3 });
  assert.match(syntaxError('[01]').detail, /expected "," or "\]"/);
  assert.match(syntaxError('{"a": -}').detail, /expected a value/);
});

void test('duplicate property names are refused (the last one must not silently win)', () => {
  const e = syntaxError('{\n  "denyRules": [],\n  "denyRules": [{"id": "x"}]\n}');
  assert.deepEqual(e.position, { line: 3, column: 3 });
  assert.match(e.detail, /duplicate property "denyRules"/);
});

void test('a byte order mark is skipped; __proto__ stays a plain data key', () => {
  const j = parseJsonWithPositions('\ufeff{"__proto__": {"polluted": true}}');
  const v = j.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

void test('nesting is bounded instead of overflowing the stack', () => {
  assert.match(syntaxError('['.repeat(100_000)).detail, /nesting deeper/);
});
