import type { PathMatcher, PathNode } from './path-match';
import type { FoundValue } from './types';

/** The body is not what its content type says (or too deeply nested to walk safely). */
export class ScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScanError';
  }
}

const MAX_DEPTH = 256;

/**
 * Finds every string value of a JSON text with its member path and its string siblings, keeping
 * offsets into the original text, so masking replaces only those tokens and leaves every other
 * byte as AWS sent it (numbers keep their precision, key order and spacing stay). Object keys are
 * never values. Throws ScanError on anything that is not JSON.
 */
export function scanJson(text: string, paths: PathMatcher): FoundValue[] {
  const n = text.length;
  const out: FoundValue[] = [];
  let node: PathNode = paths.root;
  let i = 0;

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new ScanError(`not JSON: ${what} at offset ${i}`);
  };
  const str = (): { value: string; start: number; end: number } => {
    const start = i;
    let escaped = false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 0x22) break;
      i++;
    }
    if (i >= n) fail('unterminated string');
    i++;
    const raw = text.slice(start, i);
    if (!escaped) return { value: raw.slice(1, -1), start, end: i };
    try {
      return { value: JSON.parse(raw) as string, start, end: i };
    } catch {
      return fail('bad string escape');
    }
  };
  const scalar = (): void => {
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      // digits, sign, dot, exponent, and the letters of true/false/null
      if (
        (c >= 0x30 && c <= 0x39) ||
        c === 0x2d ||
        c === 0x2b ||
        c === 0x2e ||
        (c >= 0x61 && c <= 0x7a) ||
        c === 0x45
      )
        i++;
      else break;
    }
    const word = text.slice(start, i);
    if (word.length === 0 || (/^[a-z]/.test(word) && word !== 'true' && word !== 'false' && word !== 'null'))
      fail('unexpected token');
  };
  const value = (depth: number, siblings: Map<string, string> | undefined, key: string | undefined): void => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x7b) object(depth + 1);
    else if (c === 0x5b) array(depth + 1);
    else if (c === 0x22) {
      const s = str();
      out.push({ value: s.value, node, start: s.start, end: s.end, siblings });
      if (siblings && key !== undefined) siblings.set(key.toLowerCase(), s.value);
    } else scalar();
  };
  const object = (depth: number): void => {
    i++;
    const siblings = new Map<string, string>();
    ws();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text.charCodeAt(i) !== 0x22) fail('expected a member name');
      const key = str().value;
      ws();
      if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
      i++;
      const parent = node;
      node = paths.child(parent, key);
      value(depth, siblings, key);
      node = parent;
      ws();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x2c) continue;
      if (c === 0x7d) return;
      fail("expected ',' or '}'");
    }
  };
  const array = (depth: number): void => {
    i++;
    ws();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return;
    }
    for (;;) {
      value(depth, undefined, undefined);
      ws();
      const c = text.charCodeAt(i);
      i++;
      if (c === 0x2c) continue;
      if (c === 0x5d) return;
      fail("expected ',' or ']'");
    }
  };

  value(0, undefined, undefined);
  ws();
  if (i < n) fail('trailing data');
  return out;
}
