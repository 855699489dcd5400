/**
 * Mutated forms of a request a real client sent: dot and empty path segments, members given
 * twice, case changes, percent-encoding and JSON spelling. Each mutation says what AWS would make
 * of the result, which is what the differential test holds the gateway to:
 *
 * - `exact`: AWS reads it as the same request (RFC 3986 equivalent escapes, header-name case,
 *   JSON whitespace and escapes), so the gateway must identify it exactly as the original;
 * - `same-or-refuse`: AWS may or may not read it as the original (dot segments for normalising
 *   services, case in a target or Action); the gateway must identify it as the original or not
 *   at all (refused, or unidentified and so asked about);
 * - `refuse`: two readings exist (a member given twice with two values); the gateway must not
 *   pick one;
 * - `s3-literal`: S3 reads the path as sent, so the bucket is the first segment and the key the
 *   rest, dots and empty segments included.
 */
import type { CompiledRoute } from '../../../gateway/aws/route-template';

export type Expectation = 'exact' | 'same-or-refuse' | 'refuse' | 's3-literal';

export interface RawRequest {
  readonly method: string;
  readonly rawUrl: string;
  readonly rawHeaders: readonly string[];
  readonly body?: Buffer;
}

export interface Mutation {
  readonly kind: string;
  readonly request: RawRequest;
  readonly expect: Expectation;
}

/** What a mutation may need to know about the original beyond its bytes. */
export interface MutationContext {
  readonly rng: () => number;
  /** The S3 path rules apply (the signer signed the path as sent). */
  readonly s3Paths: boolean;
  /** REST route of the identified operation, if REST. */
  readonly route?: CompiledRoute;
  /** Query keys the operation reads as lists (they may repeat). */
  readonly listQueryKeys: ReadonlySet<string>;
  /** Lower-cased header members of the operation. */
  readonly headerMembers: ReadonlySet<string>;
  /** Another operation name of the same service (for a conflicting target or Action). */
  readonly otherOperation: string;
  readonly targetPrefix?: string;
}

type Generator = (r: RawRequest, c: MutationContext) => Mutation | undefined;

function pick<T>(rng: () => number, list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(rng() * list.length)];
}

function split(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

function join(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`;
}

function segmentsOf(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Percent-encodes one letter or digit that is not part of an escape; undefined if none. */
function escapeOne(s: string, rng: () => number): string | undefined {
  const spots: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (!/[A-Za-z0-9]/.test(s[i]!)) continue;
    if (s[i - 1] === '%' || s[i - 2] === '%') continue;
    spots.push(i);
  }
  const at = pick(rng, spots);
  if (at === undefined) return undefined;
  const hex = s.charCodeAt(at).toString(16).toUpperCase().padStart(2, '0');
  return `${s.slice(0, at)}%${hex}${s.slice(at + 1)}`;
}

function withPath(r: RawRequest, segs: readonly string[]): RawRequest {
  // One empty segment on its own is `//`, not `/` (which has none).
  const path = segs.length === 1 && segs[0] === '' ? '//' : `/${segs.join('/')}`;
  return { ...r, rawUrl: join(path, split(r.rawUrl).query) };
}

const pathInsertion =
  (kind: string, inserted: readonly string[]): Generator =>
  (r, c) => {
    const segs = segmentsOf(split(r.rawUrl).path);
    const at = Math.floor(c.rng() * (segs.length + 1));
    const next = [...segs.slice(0, at), ...inserted, ...segs.slice(at)];
    return { kind, request: withPath(r, next), expect: c.s3Paths ? 's3-literal' : 'same-or-refuse' };
  };

/** Segment positions of the route's labels (head labels and the greedy span) and literals. */
function positions(segs: readonly string[], route: CompiledRoute): { labels: number[]; literals: number[] } {
  const labels: number[] = [];
  const literals: number[] = [];
  route.head.forEach((s, i) => (s.label !== undefined ? labels : literals).push(i));
  if (route.greedy !== undefined) {
    for (let i = route.head.length; i < segs.length - route.tail.length; i++) labels.push(i);
    route.tail.forEach((s, i) => {
      const at = segs.length - route.tail.length + i;
      (s.label !== undefined ? labels : literals).push(at);
    });
  }
  return { labels: labels.filter((i) => i < segs.length), literals: literals.filter((i) => i < segs.length) };
}

const segmentMutation =
  (
    kind: string,
    where: 'labels' | 'literals',
    change: (s: string, rng: () => number) => string | undefined,
    expect: Expectation,
  ): Generator =>
  (r, c) => {
    if (!c.route) return undefined;
    const segs = segmentsOf(split(r.rawUrl).path);
    const at = pick(c.rng, positions(segs, c.route)[where]);
    if (at === undefined) return undefined;
    const changed = change(segs[at]!, c.rng);
    if (changed === undefined || changed === segs[at]) return undefined;
    const next = [...segs];
    next[at] = changed;
    // A path S3 reads literally may name another bucket and key: then it must be exactly those.
    return {
      kind,
      request: withPath(r, next),
      expect: c.s3Paths && expect !== 'exact' ? 's3-literal' : expect,
    };
  };

const queryPairs = (r: RawRequest): string[] =>
  split(r.rawUrl)
    .query.split('&')
    .filter((p) => p !== '');

function keyOf(pair: string): string {
  const eq = pair.indexOf('=');
  const k = eq < 0 ? pair : pair.slice(0, eq);
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

const queryEscape: Generator = (r, c) => {
  const pairs = queryPairs(r);
  const i = pick(
    c.rng,
    pairs.map((_, n) => n),
  );
  if (i === undefined) return undefined;
  const changed = escapeOne(pairs[i]!.replace(/=$/, ''), c.rng);
  if (changed === undefined) return undefined;
  const next = [...pairs];
  next[i] = pairs[i]!.endsWith('=') ? `${changed}=` : changed;
  return {
    kind: 'query-escape',
    request: { ...r, rawUrl: join(split(r.rawUrl).path, next.join('&')) },
    expect: 'exact',
  };
};

const queryDuplicate: Generator = (r, c) => {
  const pairs = queryPairs(r).filter((p) => !c.listQueryKeys.has(keyOf(p)));
  const p = pick(c.rng, pairs);
  if (p === undefined) return undefined;
  const eq = p.indexOf('=');
  const dup = eq < 0 ? `${p}=x` : `${p}x`;
  return { kind: 'query-duplicate', request: { ...r, rawUrl: `${r.rawUrl}&${dup}` }, expect: 'refuse' };
};

function header(r: RawRequest, name: string): string | undefined {
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2)
    if (r.rawHeaders[i]!.toLowerCase() === name) return r.rawHeaders[i + 1];
  return undefined;
}

function withHeader(r: RawRequest, name: string, value: (old: string) => string): RawRequest {
  const h = [...r.rawHeaders];
  for (let i = 0; i + 1 < h.length; i += 2) if (h[i]!.toLowerCase() === name) h[i + 1] = value(h[i + 1]!);
  return { ...r, rawHeaders: h };
}

const headerNameCase: Generator = (r) => ({
  kind: 'header-name-case',
  request: { ...r, rawHeaders: r.rawHeaders.map((v, i) => (i % 2 === 0 ? v.toUpperCase() : v)) },
  expect: 'exact',
});

const headerDuplicate: Generator = (r, c) => {
  const target = header(r, 'x-amz-target');
  if (target !== undefined && c.targetPrefix !== undefined)
    return {
      kind: 'header-duplicate',
      request: {
        ...r,
        rawHeaders: [...r.rawHeaders, 'X-Amz-Target', `${c.targetPrefix}.${c.otherOperation}`],
      },
      expect: 'refuse',
    };
  const names = [...c.headerMembers].filter((h) => header(r, h) !== undefined);
  const name = pick(c.rng, names) ?? (header(r, 'content-type') !== undefined ? 'content-type' : undefined);
  if (name === undefined) return undefined;
  return {
    kind: 'header-duplicate',
    request: { ...r, rawHeaders: [...r.rawHeaders, name, `${header(r, name) ?? ''}x`] },
    expect: 'refuse',
  };
};

const targetCase: Generator = (r) => {
  const t = header(r, 'x-amz-target');
  if (t === undefined || t.toLowerCase() === t) return undefined;
  return {
    kind: 'target-case',
    request: withHeader(r, 'x-amz-target', (v) => v.toLowerCase()),
    expect: 'same-or-refuse',
  };
};

function isForm(r: RawRequest): boolean {
  return /application\/x-www-form-urlencoded/i.test(header(r, 'content-type') ?? '');
}

function formPairs(r: RawRequest): string[] {
  return (r.body?.toString('utf8') ?? '').split('&').filter((p) => p !== '');
}

const formBody = (r: RawRequest, pairs: readonly string[]): RawRequest => ({
  ...r,
  body: Buffer.from(pairs.join('&')),
});

const formEscape: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const i = pick(
    c.rng,
    pairs.map((_, n) => n),
  );
  if (i === undefined) return undefined;
  const changed = escapeOne(pairs[i]!, c.rng);
  if (changed === undefined) return undefined;
  const next = [...pairs];
  next[i] = changed;
  return { kind: 'form-escape', request: formBody(r, next), expect: 'exact' };
};

const formDuplicate: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const p = pick(c.rng, pairs);
  if (p === undefined) return undefined;
  return {
    kind: 'form-duplicate',
    request: formBody(r, [...pairs, p.startsWith('Action=') ? `Action=${c.otherOperation}` : `${p}x`]),
    expect: 'refuse',
  };
};

const actionCase: Generator = (r, c) => {
  if (!isForm(r)) return undefined;
  const pairs = formPairs(r);
  const i = pairs.findIndex((p) => p.startsWith('Action='));
  if (i < 0) return undefined;
  const next = [...pairs];
  const lowerKey = c.rng() < 0.5;
  next[i] = lowerKey ? `action=${pairs[i]!.slice(7)}` : pairs[i]!.toLowerCase();
  return {
    kind: lowerKey ? 'action-key-case' : 'action-value-case',
    request: formBody(r, next),
    expect: 'same-or-refuse',
  };
};

const actionInQuery: Generator = (r, c) => {
  if (!isForm(r) || !formPairs(r).some((p) => p.startsWith('Action='))) return undefined;
  const sep = r.rawUrl.includes('?') ? '&' : '?';
  return {
    kind: 'action-in-query',
    request: { ...r, rawUrl: `${r.rawUrl}${sep}Action=${c.otherOperation}` },
    expect: 'refuse',
  };
};

function jsonObject(r: RawRequest): Record<string, unknown> | undefined {
  if (!r.body || isForm(r)) return undefined;
  try {
    const v: unknown = JSON.parse(r.body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const jsonDuplicateTop: Generator = (r) => {
  const o = jsonObject(r);
  const k = o ? Object.keys(o)[0] : undefined;
  if (k === undefined || !r.body) return undefined;
  // First in the text: JSON.parse keeps the original (last) value, a first-wins parser the new one.
  const text = r.body.toString('utf8').replace(/^\s*\{/, `{${JSON.stringify(k)}:"airlock-other",`);
  return { kind: 'json-duplicate-top', request: { ...r, body: Buffer.from(text) }, expect: 'refuse' };
};

const MARK = '__airlock_dup_marker__';

function firstNested(v: unknown): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  for (const child of Object.values(v as Record<string, unknown>)) {
    if (typeof child === 'object' && child !== null && !Array.isArray(child) && Object.keys(child).length > 0)
      return child as Record<string, unknown>;
    const deeper = firstNested(child);
    if (deeper) return deeper;
  }
  return undefined;
}

const jsonDuplicateNested: Generator = (r) => {
  const o = jsonObject(r);
  const inner = o ? firstNested(o) : undefined;
  const k = inner ? Object.keys(inner)[0] : undefined;
  if (!o || !inner || k === undefined) return undefined;
  inner[MARK] = 1;
  const text = JSON.stringify(o).replace(`"${MARK}":1`, `${JSON.stringify(k)}:"airlock-other"`);
  return { kind: 'json-duplicate-nested', request: { ...r, body: Buffer.from(text) }, expect: 'refuse' };
};

const jsonEscapeKey: Generator = (r) => {
  const o = jsonObject(r);
  const k = o ? Object.keys(o).find((key) => /^[A-Za-z]/.test(key)) : undefined;
  if (k === undefined || !r.body) return undefined;
  const escaped = `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${k.slice(1)}":`;
  const text = r.body.toString('utf8').replace(`${JSON.stringify(k)}:`, escaped);
  return { kind: 'json-escape-key', request: { ...r, body: Buffer.from(text) }, expect: 'exact' };
};

const jsonWhitespace: Generator = (r) => {
  const o = jsonObject(r);
  if (!o) return undefined;
  return {
    kind: 'json-whitespace',
    request: { ...r, body: Buffer.from(JSON.stringify(o, null, 2)) },
    expect: 'exact',
  };
};

const GENERATORS: readonly Generator[] = [
  pathInsertion('dot-segment', ['.']),
  pathInsertion('dot-dot-segment', ['airlock', '..']),
  pathInsertion('empty-segment', ['']),
  pathInsertion('encoded-dot-dot-segment', ['airlock', '%2E%2e']),
  segmentMutation('label-escape', 'labels', escapeOne, 'exact'),
  segmentMutation('literal-escape', 'literals', escapeOne, 'same-or-refuse'),
  segmentMutation('literal-case', 'literals', (s) => s.toUpperCase(), 'same-or-refuse'),
  queryEscape,
  queryDuplicate,
  headerNameCase,
  headerDuplicate,
  targetCase,
  formEscape,
  formDuplicate,
  actionCase,
  actionInQuery,
  jsonDuplicateTop,
  jsonDuplicateNested,
  jsonEscapeKey,
  jsonWhitespace,
];

/** Every mutation that applies to the request, one instance each (positions drawn from `rng`). */
export function mutationsOf(r: RawRequest, c: MutationContext): Mutation[] {
  const out: Mutation[] = [];
  for (const g of GENERATORS) {
    const m = g(r, c);
    if (m) out.push(m);
  }
  return out;
}
