import type { FieldSpec } from './types';

/** XML list wrappers (`<member>`, EC2's `<item>`) that play the role of JSON array positions. */
export const XML_LIST_WRAPPERS: ReadonlySet<string> = new Set(['member', 'item']);

/** `Credentials.SecretAccessKey`, `Environment.Variables.*` → a field spec (case-insensitive). */
export function fieldSpec(dotted: string, extra: Omit<FieldSpec, 'path'> = {}): FieldSpec {
  return { ...extra, path: dotted.split('.').map((s) => s.toLowerCase()) };
}

/**
 * A workspace JSON path (`$.Parameter.Value`, `$.Parameters[*].Value`, `$['a'].b`) → an anchored
 * spec. List positions (`[*]`, `[0]`) are dropped: masking is about fields, and any position of a
 * list field is as secret as the next. Returns undefined for paths this subset cannot express.
 */
export function jsonPathSpec(path: string): FieldSpec | undefined {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const segments: string[] = [];
  const re = /^(?:\.([^.[\]]+)|\[\s*(?:\*|\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) {
      if (segments.length === 0 && /^[^.[\]]+/.test(rest)) {
        rest = `.${rest}`;
        continue;
      }
      return undefined;
    }
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined) segments.push(name === '*' ? '*' : name.toLowerCase());
    rest = rest.slice(m[0].length);
  }
  return segments.length > 0 ? { path: segments, anchored: true } : undefined;
}

function segmentMatches(want: string, have: string): boolean {
  return want === '*' || want === have.toLowerCase();
}

/** Does `spec` name the value at `path` or one of its ancestors? Returns the matched depth, or 0. */
export function matchDepth(spec: FieldSpec, path: readonly string[]): number {
  const want = spec.path;
  const n = want.length;
  if (n === 0 || path.length < n) return 0;
  if (spec.anchored) {
    for (let i = 0; i < n; i++) if (!segmentMatches(want[i] ?? '', path[i] ?? '')) return 0;
    return n;
  }
  // The field may name the value itself or an ancestor: try every end position, deepest first.
  for (let end = path.length; end >= n; end--) {
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = segmentMatches(want[i] ?? '', path[end - n + i] ?? '');
    if (ok && spec.exactCase) {
      for (let i = 0; i < n && ok; i++) {
        const exact = spec.exactCase[i];
        ok = exact === undefined || exact === '*' || exact === path[end - n + i];
      }
    }
    if (ok) return end;
  }
  return 0;
}

/** A label for the recording: the matched path, list positions omitted. */
export function displayPath(path: readonly string[]): string {
  return path.join('.');
}
