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
import {
  actionCase,
  actionInQuery,
  formDuplicate,
  formEscape,
  jsonDuplicateNested,
  jsonDuplicateTop,
  jsonEscapeKey,
  jsonWhitespace,
} from './body-mutations';
import {
  escapeOne,
  type Expectation,
  type Generator,
  header,
  join,
  type Mutation,
  type MutationContext,
  pick,
  type RawRequest,
  segmentsOf,
  split,
  withHeader,
} from './mutation-kit';
import type { CompiledRoute } from '../../../gateway/aws/route-template';

export type { Expectation, Mutation, MutationContext, RawRequest } from './mutation-kit';

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
