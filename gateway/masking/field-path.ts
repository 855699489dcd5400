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
