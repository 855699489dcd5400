/**
 * Is a JSON body one the gateway reads exactly as AWS does? `JSON.parse` keeps the last of two
 * equal keys; a service's parser may keep the first, so `{"TableName":"dev","TableName":"prod"}`
 * would be decided on one table and run on the other. A body is readable with certainty when it
 * is valid UTF-8, strict JSON, an object nested no deeper than the gateway reads, and no object in
 * it repeats a key (keys compared after unescaping, so `"Table\u004eame"` is `TableName`); at the
 * top, where the operation's members are, keys may not differ only in case either.
 */
import { isUtf8 } from 'node:buffer';
import { MAX_JSON_DEPTH } from './json-depth';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

interface Frame {
  readonly keys: Set<string> | undefined;
  /** Top-level object: keys are also compared case-insensitively. */
  readonly folded: Set<string> | undefined;
  expectKey: boolean;
}

/** End index (exclusive) of the string token starting at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
}

/** A repeated key, or nesting past MAX_JSON_DEPTH, found in one pass over the text. */
function structureProblem(text: string): string | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i, end);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return `in the JSON body, the key "${key}" appears twice in one object`;
        top.keys.add(key);
        if (top.folded) {
          const lower = key.toLowerCase();
          if (top.folded.has(lower)) return `in the JSON body, two keys differ only in case ("${key}")`;
          top.folded.add(lower);
        }
        top.expectKey = false;
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      const first = stack.length === 0;
      stack.push(
        c === '{'
          ? { keys: new Set(), folded: first ? new Set() : undefined, expectKey: true }
          : { keys: undefined, folded: undefined, expectKey: false },
      );
      if (stack.length > MAX_JSON_DEPTH) return `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top?.keys) {
      top.expectKey = true;
    }
    i++;
  }
  return undefined;
}

/** Why the body cannot be read with certainty as one JSON object; undefined when it can. */
export function jsonBodyProblem(body: Buffer): string | undefined {
  if (!isUtf8(body)) return 'the JSON body is not valid UTF-8';
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'the body is not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'the JSON body is not an object';
  // Only valid JSON reaches the scanner, so it can skip what cannot matter (numbers, literals).
  return structureProblem(text);
}
