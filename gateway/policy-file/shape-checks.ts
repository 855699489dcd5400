import type { PathSegment } from './json-positions';

/** A shape problem at a place in the document; the loader turns it into a line and column. */
export class ShapeError extends Error {
  constructor(
    readonly path: readonly PathSegment[],
    readonly detail: string,
    /** Point at the property name rather than its value (unknown or misspelt settings). */
    readonly atKey = false,
  ) {
    super(detail);
  }
}

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

export function object(v: unknown, path: PathSegment[], what: string): Obj {
  if (!isObject(v)) throw new ShapeError(path, `${what} must be a JSON object, not ${describe(v)}`);
  return v;
}

/** Unknown keys are refused (a misspelt `denyRule` must not silently drop every rule). */
export function knownKeys(o: Obj, allowed: readonly string[], path: PathSegment[], what: string): void {
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase() || editDistance(a, k) <= 2);
    throw new ShapeError(
      [...path, k],
      `unknown ${what} "${k}"${near ? ` (did you mean "${near}"?)` : ''}; allowed: ${allowed.join(', ')}`,
      true,
    );
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0;
      row[j] = Math.min(up + 1, (row[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] ?? 0;
}

export function text(v: unknown, path: PathSegment[], what: string, nonEmpty = true): string {
  if (typeof v !== 'string') throw new ShapeError(path, `${what} must be a string, not ${describe(v)}`);
  if (nonEmpty && v.trim() === '') throw new ShapeError(path, `${what} must not be empty`);
  return v;
}

/** A string or a non-empty list of strings (IAM's own convention), each checked by `check`. */
export function stringList(
  v: unknown,
  path: PathSegment[],
  what: string,
  check: (s: string, p: PathSegment[]) => void,
): string[] {
  if (typeof v === 'string') {
    check(v, path);
    return [v];
  }
  if (!Array.isArray(v)) throw new ShapeError(path, `${what} must be a string or a list of strings`);
  if (v.length === 0) throw new ShapeError(path, `${what} must not be an empty list`);
  return v.map((s: unknown, i) => {
    const p = [...path, i];
    if (typeof s !== 'string') throw new ShapeError(p, `expected a string, not ${describe(s)}`);
    check(s, p);
    return s;
  });
}

/** `denyRules[2].actions[0]`, `scopeTemplates["read-only"].Statement`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
