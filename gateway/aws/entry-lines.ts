/**
 * Reads a generated table written one entry per line (scripts/entry-lines.mjs): the small
 * top-level values decoded, each entry of a collection kept as its JSON text. The texts are slices
 * of the file's one string, so the table costs its file size in memory until an entry is used,
 * where parsing it whole held about four times that, and the loader makes no garbage to collect.
 */

export interface EntryLines {
  /** Top-level values outside the collections, decoded. */
  readonly values: ReadonlyMap<string, unknown>;
  /** Entries of list collections, as JSON text, in order. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Entries of object collections, key → JSON text of the value. */
  readonly objects: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Thrown with what is wrong; the caller says which file and how to regenerate it. */
export class EntryLinesError extends Error {}

/** Index just past the JSON string that starts at `from` (a `"`), honouring escapes. */
function endOfString(line: string, from: number): number {
  for (let i = from + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  throw new EntryLinesError(`unterminated key in "${line.slice(0, 40)}"`);
}

/** `"key":rest` → [key, rest], the rest without a trailing comma. */
function keyed(line: string): [string, string] {
  if (line.charCodeAt(0) !== 0x22) throw new EntryLinesError(`expected a key at "${line.slice(0, 40)}"`);
  const end = endOfString(line, 0);
  if (line[end] !== ':') throw new EntryLinesError(`expected ":" after the key in "${line.slice(0, 40)}"`);
  const key = JSON.parse(line.slice(0, end)) as string;
  const rest = line.endsWith(',') ? line.slice(end + 1, -1) : line.slice(end + 1);
  return [key, rest];
}

export function parseEntryLines(text: string): EntryLines {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== '{' || lines[lines.length - 1] !== '}')
    throw new EntryLinesError('not laid out one entry per line (or cut short)');
  const values = new Map<string, unknown>();
  const lists = new Map<string, string[]>();
  const objects = new Map<string, Map<string, string>>();
  let i = 1;
  while (i < lines.length - 1) {
    const [key, rest] = keyed(lines[i]!);
    i++;
    if (rest !== '[' && rest !== '{') {
      try {
        values.set(key, JSON.parse(rest));
      } catch {
        throw new EntryLinesError(`the value of ${key} is not JSON`);
      }
      continue;
    }
    const close = rest === '[' ? ']' : '}';
    const list: string[] = [];
    const object = new Map<string, string>();
    for (; i < lines.length - 1 && lines[i] !== close && lines[i] !== `${close},`; i++) {
      const line = lines[i]!;
      if (rest === '[') list.push(line.endsWith(',') ? line.slice(0, -1) : line);
      else object.set(...keyed(line));
    }
    if (i >= lines.length - 1) throw new EntryLinesError(`the collection ${key} is not closed`);
    i++;
    if (rest === '[') lists.set(key, list);
    else objects.set(key, object);
  }
  return { values, lists, objects };
}

/** Throws the caller's own error for what is wrong, naming its file and how to regenerate it. */
export type Invalid = (why: string) => never;

/** `parseEntryLines`, its faults reported through `invalid`. */
export function readEntryLines(text: string, invalid: Invalid): EntryLines {
  try {
    return parseEntryLines(text);
  } catch (e) {
    if (e instanceof EntryLinesError) return invalid(e.message);
    throw e;
  }
}

/** One entry's value, or `invalid(what)` when its text is not JSON. */
export function entryValue(text: string, what: string, invalid: Invalid): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return invalid(what);
  }
}
