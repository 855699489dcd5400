// The bundles from `npm run build` hold no character past U+00FF. V8 keeps a script's source for as
// long as the script lives (lazy compilation needs it), as one byte per character when every
// character fits in one, else two: one `→` in a comment esbuild keeps (JSDoc in a class body)
// made the gateway's 3.6 MB source a 7 MB string, 3.4 MB more RSS from start to end
// (docs/architecture-details.md). esbuild escapes string literals to ASCII itself, not comments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const BUNDLES = ['dist/gateway.js', 'dist/extension.js', 'dist/relaunch-gateway.js'];

/** `file:line: chars | line` for each line with a character V8 cannot store in one byte. */
function twoByteLines(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const wide = [...line].filter((c) => c.codePointAt(0)! > 0xff);
    if (wide.length > 0) found.push(`${file}:${i + 1}: ${wide.join('')} | ${line.trim().slice(0, 100)}`);
  });
  return found;
}

void test('the bundles are stored one byte per character: no character past U+00FF', () => {
  const found = BUNDLES.flatMap((f) => twoByteLines(f, readFileSync(f, 'utf8')));
  assert.deepEqual(
    found,
    [],
    'Write these in ASCII (-> for →, ... for …) in the source comment the bundle kept:\n' + found.join('\n'),
  );
});

void test('a single wide character anywhere is found, with its line', () => {
  assert.deepEqual(twoByteLines('x.js', 'a\n/** µ and « are one byte */\n/** a → b */'), [
    'x.js:3: → | /** a → b */',
  ]);
});
