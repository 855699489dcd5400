/**
 * REST URI templates (`/{Bucket}/{Key+}?uploads`) compiled once into matchers. Matching works on
 * raw (still percent-encoded) path segments so that an encoded `/` inside a label cannot shift
 * the segments; label values are decoded only for the route that wins.
 */
import type { RestOperation } from './model';

function decodes(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A segment a normalising signer or server removes or resolves (`.`, `..`, `%2E%2e`, empty). */
export function isDotOrEmptySegment(raw: string): boolean {
  if (raw === '') return true;
  if (raw.length > 6) return false;
  const d = decodes(raw);
  return d === '.' || d === '..';
}

export type Segment =
  | { readonly literal: string; readonly label?: undefined }
  | { readonly label: string; readonly literal?: undefined };

export interface CompiledRoute {
  readonly op: RestOperation;
  /** Position in the model, to break ties deterministically. */
  readonly order: number;
  readonly method: string;
  /** Segments before the greedy label (all of them when there is none). */
  readonly head: readonly Segment[];
  /** Name of the greedy `{Key+}` label, if any. */
  readonly greedy?: string;
  /** Segments after the greedy label. */
  readonly tail: readonly Segment[];
  /** Literal query keys from the template (`uploads`, `list-type=2`): key and required value. */
  readonly queryLiterals: ReadonlyArray<readonly [string, string | undefined]>;
  /** Query keys of required querystring members. */
  readonly requiredQuery: readonly string[];
  /** Lower-cased names of required header members. */
  readonly requiredHeaders: readonly string[];
  /** Higher is more specific: literal segments, then no greedy label, then literal query keys, then required members. */
  readonly score: number;
}

function compileSegment(raw: string): Segment {
  if (raw.length > 2 && raw.startsWith('{') && raw.endsWith('}')) return { label: raw.slice(1, -1) };
  return { literal: raw };
}

/** Template segments; a trailing slash is dropped (SDKs disagree on sending it, AWS ignores it). */
function splitTemplatePath(path: string): string[] {
  if (path === '/' || path === '') return [];
  const segs = (path.startsWith('/') ? path.slice(1) : path).split('/');
  if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
  return segs;
}

export function compileRoute(op: RestOperation, order: number): CompiledRoute {
  const qIndex = op.requestUri.indexOf('?');
  const pathPart = qIndex < 0 ? op.requestUri : op.requestUri.slice(0, qIndex);
  const queryPart = qIndex < 0 ? '' : op.requestUri.slice(qIndex + 1);
  const head: Segment[] = [];
  const tail: Segment[] = [];
  let greedy: string | undefined;
  for (const raw of splitTemplatePath(pathPart)) {
    if (greedy === undefined && raw.length > 3 && raw.startsWith('{') && raw.endsWith('+}')) {
      greedy = raw.slice(1, -2);
      continue;
    }
    (greedy === undefined ? head : tail).push(compileSegment(raw));
  }
  const queryLiterals: Array<readonly [string, string | undefined]> = [];
  for (const pair of queryPart.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    queryLiterals.push(eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)]);
  }
  const requiredQuery: string[] = [];
  const requiredHeaders: string[] = [];
  for (const m of op.members) {
    if (!m.required) continue;
    if (m.location === 'querystring') requiredQuery.push(m.locationName);
    else if (m.location === 'header') requiredHeaders.push(m.locationName);
  }
  const literals = [...head, ...tail].filter((s) => s.literal !== undefined).length;
  const score =
    literals * 1e6 +
    (greedy === undefined ? 1e5 : 0) +
    queryLiterals.length * 1e3 +
    requiredQuery.length +
    requiredHeaders.length;
  return {
    op,
    order,
    method: op.method,
    head,
    ...(greedy !== undefined ? { greedy } : {}),
    tail,
    queryLiterals,
    requiredQuery,
    requiredHeaders,
    score,
  };
}

/** Raw request path split into raw segments: `/` → [], `/a/b` → [a, b], `/a/` → [a, ""]. */
export function splitRequestPath(path: string): string[] {
  if (path === '/' || path === '') return [];
  return (path.startsWith('/') ? path.slice(1) : path).split('/');
}

function matchSegments(
  pattern: readonly Segment[],
  segs: readonly string[],
  offset: number,
  labels: Map<string, string>,
  loose: boolean,
): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = segs[offset + i];
    if (p === undefined || s === undefined) return false;
    if (p.literal !== undefined) {
      if (loose ? p.literal.toLowerCase() !== s.toLowerCase() : p.literal !== s) return false;
    } else {
      // A label never matches an empty or dot segment: `/b//k` is not `/{Bucket}/{Key}`, and
      // `/v20180820/accesspoint/..` names no access point (S3 paths reach here unnormalised).
      if (isDotOrEmptySegment(s)) return false;
      labels.set(p.label, s);
    }
  }
  return true;
}

/**
 * Matches the path part; returns raw label values by label name, or undefined. `loose` compares
 * literal segments without regard to case (see looseSegments).
 */
export function matchPath(
  route: CompiledRoute,
  segs: readonly string[],
  loose = false,
): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  if (route.greedy === undefined) {
    // `/2015-03-31/functions` and `/2015-03-31/functions/` are the same route; greedy labels
    // (S3 keys) keep their trailing slash, since there it is part of the value.
    const n =
      segs.length === route.head.length + 1 && segs[segs.length - 1] === '' ? segs.length - 1 : segs.length;
    if (n !== route.head.length) return undefined;
    return matchSegments(route.head, segs, 0, labels, loose) ? labels : undefined;
  }
  const h = route.head.length;
  const t = route.tail.length;
  if (segs.length < h + t + 1) return undefined;
  if (!matchSegments(route.head, segs, 0, labels, loose)) return undefined;
  if (!matchSegments(route.tail, segs, segs.length - t, labels, loose)) return undefined;
  const rest = segs.slice(h, segs.length - t).join('/');
  if (rest === '') return undefined;
  labels.set(route.greedy, rest);
  return labels;
}

/** Query keys of the request with all their values. */
export type QueryIndex = ReadonlyMap<string, readonly string[]>;

export function indexQuery(query: ReadonlyArray<readonly [string, string]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of query) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/**
 * Literal query keys of the template are present (with their value, when the template gives one).
 * `loose`: the query index came from looseQuery, so keys and values compare lower-cased.
 */
export function queryLiteralsMatch(route: CompiledRoute, query: QueryIndex, loose = false): boolean {
  for (const [k, v] of route.queryLiterals) {
    const values = query.get(loose ? k.toLowerCase() : k);
    if (!values) return false;
    if (v !== undefined && !values.includes(loose ? v.toLowerCase() : v)) return false;
  }
  return true;
}

/** Required querystring and header members are present. */
export function requiredMembersPresent(
  route: CompiledRoute,
  query: QueryIndex,
  headers: Readonly<Record<string, string>>,
  loose = false,
): boolean {
  for (const k of route.requiredQuery) if (!query.has(loose ? k.toLowerCase() : k)) return false;
  for (const h of route.requiredHeaders) if (!Object.hasOwn(headers, h)) return false;
  return true;
}

const UNRESERVED_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[Dd]|2[Ee]|5[Ff]|7[Ee])/g;

/**
 * Segments as a lenient server might read them: escapes of unreserved characters (`%73` for
 * `s`) decoded, as RFC 3986 makes them equivalent. Used with `loose` matching, which also
 * compares literals without regard to case: a request whose strict and lenient readings name
 * different operations cannot be identified with certainty.
 */
export function looseSegments(segs: readonly string[]): string[] {
  return segs.map((s) =>
    s.includes('%') ? s.replace(UNRESERVED_ESCAPE, (e) => String.fromCharCode(parseInt(e.slice(1), 16))) : s,
  );
}

/** The query index with lower-cased keys and values, for `loose` matching. */
export function looseQuery(query: QueryIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, values] of query) {
    const key = k.toLowerCase();
    const list = out.get(key) ?? [];
    for (const v of values) list.push(v.toLowerCase());
    out.set(key, list);
  }
  return out;
}
