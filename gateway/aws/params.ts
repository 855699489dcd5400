/**
 * Reading request parameters out of bodies without trusting them: JSON objects and form bodies
 * are parsed defensively (malformed input yields nothing, never an exception) and copied into
 * plain objects with a guard against `__proto__` keys.
 */
import { nestsDeeper } from './json-depth';

export type Params = Record<string, unknown>;

/** Sets an own property even for `__proto__`, so a hostile key cannot rewire the prototype. */
export function setParam(target: Params, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * The body as a JSON object, or undefined when absent, not JSON, not an object or nested deeper
 * than the gateway reads (MAX_JSON_DEPTH; such a body is refused when the call's operation reads it).
 */
export function parseJsonObject(body: Buffer | undefined): Params | undefined {
  if (!body || body.length === 0 || nestsDeeper(body)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Params;
  } catch {
    // Not JSON: the caller identifies the operation without body members.
  }
  return undefined;
}

export function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().includes('application/x-www-form-urlencoded');
}

/** Pairs of an `application/x-www-form-urlencoded` body (`+` is a space there, unlike in paths). */
export function parseFormBody(body: Buffer | undefined): Array<[string, string]> {
  if (!body || body.length === 0) return [];
  // URLSearchParams never throws: malformed escapes are kept as literal text.
  return [...new URLSearchParams(body.toString('utf8'))];
}

/** Query-protocol keys that carry the protocol or the signature, not operation input. */
function isProtocolKey(key: string): boolean {
  if (key === 'Action' || key === 'Version') return true;
  if (key.length > 6 && key.slice(0, 6).toLowerCase() === 'x-amz-') return true;
  return (
    key === 'AWSAccessKeyId' || key === 'Signature' || key === 'SignatureMethod' || key === 'SignatureVersion'
  );
}

const LIST_ITEM = /^(.+)\.([1-9]\d{0,5})$/;

/**
 * Query / ec2 input: the raw flattened map (`InstanceId.1`, `Filter.1.Name`) plus, for every
 * `Base.N` family, an array under the base name in index order (`InstanceId` → [..];
 * `AttributeNames.member.N` → `AttributeNames`). A base that is itself a key keeps its value.
 */
export function flattenedParams(pairs: ReadonlyArray<readonly [string, string]>): Params {
  const out: Params = {};
  const lists = new Map<string, Array<[number, string]>>();
  for (const [key, value] of pairs) {
    if (isProtocolKey(key)) continue;
    if (!Object.hasOwn(out, key)) setParam(out, key, value);
    const m = LIST_ITEM.exec(key);
    if (!m?.[1] || !m[2]) continue;
    const base = m[1].endsWith('.member') ? m[1].slice(0, -'.member'.length) : m[1];
    const items = lists.get(base);
    if (items) items.push([Number(m[2]), value]);
    else lists.set(base, [[Number(m[2]), value]]);
  }
  for (const [base, items] of lists) {
    if (Object.hasOwn(out, base)) continue;
    items.sort((a, b) => a[0] - b[0]);
    setParam(
      out,
      base,
      items.map(([, v]) => v),
    );
  }
  return out;
}

/** Copies the own enumerable keys of `source` that `target` does not have yet. */
export function mergeMissing(target: Params, source: Params): void {
  for (const key of Object.keys(source)) {
    if (!Object.hasOwn(target, key)) setParam(target, key, source[key]);
  }
}

/** Percent-decodes a URI label; a malformed escape leaves the raw text (the call still routes). */
export function decodeLabel(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
