/**
 * Picks the REST operation a request addresses: method + URI template, most specific match wins.
 * Routes are indexed per service by method and first literal path segment so a request only
 * looks at the few templates that can match (S3 has ~100 operations, IoT ~250).
 */
import type { ServiceModel } from './model';
import {
  compileRoute,
  matchPath,
  queryLiteralsMatch,
  requiredMembersPresent,
  type CompiledRoute,
  type QueryIndex,
} from './route-template';

interface MethodRoutes {
  readonly byFirstLiteral: Map<string, CompiledRoute[]>;
  /** The same, keyed lower-cased, for loose matching. */
  readonly byFirstLiteralLower: Map<string, CompiledRoute[]>;
  /** Routes whose first segment is a label (or that have no segments). */
  readonly other: CompiledRoute[];
}

type RouteTable = ReadonlyMap<string, MethodRoutes>;

const tables = new WeakMap<ServiceModel, RouteTable>();

function routeTable(service: ServiceModel): RouteTable {
  const existing = tables.get(service);
  if (existing) return existing;
  const table = new Map<string, MethodRoutes>();
  service.restOperations.forEach((op, i) => {
    const route = compileRoute(op, i);
    let m = table.get(route.method);
    if (!m) {
      m = { byFirstLiteral: new Map(), byFirstLiteralLower: new Map(), other: [] };
      table.set(route.method, m);
    }
    const first = route.head[0]?.literal;
    if (first !== undefined) {
      for (const [map, key] of [
        [m.byFirstLiteral, first],
        [m.byFirstLiteralLower, first.toLowerCase()],
      ] as const) {
        const list = map.get(key);
        if (list) list.push(route);
        else map.set(key, [route]);
      }
    } else {
      m.other.push(route);
    }
  });
  tables.set(service, table);
  return table;
}

export interface RouteMatch {
  readonly service: ServiceModel;
  readonly route: CompiledRoute;
  /** Raw (percent-encoded) label values by label name. */
  readonly labels: ReadonlyMap<string, string>;
  /** False when only method, path and literal query keys matched (required members missing). */
  readonly complete: boolean;
}

export interface RouteRequest {
  readonly method: string;
  readonly segments: readonly string[];
  readonly query: QueryIndex;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * An operation the client named itself (S3 `x-id`). Only a tie-breaker: AWS routes by method,
   * path, query and headers, so a hint that disagrees with them must not change the outcome
   * (else `PUT ...?x-id=PutObject` with `x-amz-copy-source` would pass as PutObject).
   */
  readonly hint?: string;
  /**
   * Lenient reading: literals (path and query) compare without regard to case; the caller passes
   * looseSegments / looseQuery. Never the identification itself, only a check on it.
   */
  readonly loose?: boolean;
}

function better(a: RouteMatch, b: RouteMatch | undefined, hint: string | undefined): boolean {
  if (!b) return true;
  if (a.complete !== b.complete) return a.complete;
  if (a.route.score !== b.route.score) return a.route.score > b.route.score;
  if (hint !== undefined && (a.route.op.name === hint) !== (b.route.op.name === hint))
    return a.route.op.name === hint;
  // Same request shape, old and new name (GetBucketLifecycle / GetBucketLifecycleConfiguration): the current one.
  if (a.route.op.deprecated !== b.route.op.deprecated) return !a.route.op.deprecated;
  return a.service === b.service && a.route.order < b.route.order;
}

function bestInService(
  service: ServiceModel,
  req: RouteRequest,
  segments: readonly string[],
): RouteMatch | undefined {
  const m = routeTable(service).get(req.method);
  if (!m) return undefined;
  const first = segments[0];
  const loose = req.loose === true;
  const keyed =
    first === undefined
      ? undefined
      : loose
        ? m.byFirstLiteralLower.get(first.toLowerCase())
        : m.byFirstLiteral.get(first);
  let best: RouteMatch | undefined;
  for (const list of [keyed, m.other]) {
    if (!list) continue;
    for (const route of list) {
      if (best?.complete && route.score < best.route.score) continue;
      if (!queryLiteralsMatch(route, req.query, loose)) continue;
      const labels = matchPath(route, segments, loose);
      if (!labels) continue;
      const candidate: RouteMatch = {
        service,
        route,
        labels,
        complete: requiredMembersPresent(route, req.query, req.headers, loose),
      };
      if (better(candidate, best, req.hint)) best = candidate;
    }
  }
  return best;
}

/** The most specific REST operation across the given services (earlier services win ties). */
export function matchRestOperation(
  services: readonly ServiceModel[],
  req: RouteRequest,
): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  const attempt = (segments: readonly string[]): void => {
    for (const service of services) {
      const m = bestInService(service, req, segments);
      if (m && better(m, best, req.hint)) best = m;
    }
  };
  attempt(req.segments);
  // `/bucket/` and `/bucket` are the same request to S3 and API-style services alike.
  if (!best && req.segments.length > 0 && req.segments[req.segments.length - 1] === '')
    attempt(req.segments.slice(0, -1));
  return best;
}
