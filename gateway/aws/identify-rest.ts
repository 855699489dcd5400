/** REST protocols (rest-json, rest-xml): method + URI template, most specific match wins. */
import { identified, type Context } from './identify-result';
import type { ServiceModel } from './model';
import { decodeLabel, parseFormBody } from './params';
import { restParams } from './params-rest';
import { isRest } from './identify-rpc';
import { routeVouches } from './rest-query-keys';
import { matchRestOperation, type RouteMatch, type RouteRequest } from './route-table';
import { indexQuery, looseQuery, looseSegments, splitRequestPath } from './route-template';
import type { Identified } from './types';

function virtualHostedPath(bucket: string, path: string): string {
  if (path === '' || path === '/') return `/${bucket}`;
  return path.startsWith('/') ? `/${bucket}${path}` : `/${bucket}/${path}`;
}

/**
 * The route a request matches, checked against a lenient reading of it (unreserved escapes
 * decoded, literals in any case): `ambiguous` when that reading names another operation or other
 * label values, as `/portals/{arn+}/browser%53ettings` does (UpdatePortal as sent, the
 * browser-settings operation once decoded). AWS reads the request one of the two ways; which
 * one is not the gateway's to guess.
 */
function matchCertain(
  services: readonly ServiceModel[],
  req: RouteRequest,
): RouteMatch | 'ambiguous' | undefined {
  const strict = matchRestOperation(services, req);
  if (!strict) return undefined;
  const lenient = matchRestOperation(services, {
    ...req,
    segments: looseSegments(req.segments),
    query: looseQuery(req.query),
    loose: true,
  });
  if (!lenient || lenient.route.op !== strict.route.op || lenient.service !== strict.service)
    return 'ambiguous';
  for (const [name, raw] of strict.labels) {
    const other = lenient.labels.get(name);
    if (other === undefined || decodeLabel(other) !== decodeLabel(raw)) return 'ambiguous';
  }
  return strict;
}

/** Undefined: no REST candidate. */
export function identifyRest(
  ctx: Context,
  services: readonly ServiceModel[],
  bucket: string | undefined,
  form: boolean,
): Identified | undefined {
  const rest = services.filter(isRest);
  const first = rest[0];
  if (!first) return undefined;
  const { view } = ctx;
  const query = indexQuery(view.query);
  const path = bucket !== undefined ? virtualHostedPath(bucket, view.path) : view.path;
  const hint = query.get('x-id')?.[0];
  const req: RouteRequest = {
    method: view.method.toUpperCase(),
    segments: splitRequestPath(path),
    query,
    headers: view.headers,
    ...(hint !== undefined ? { hint } : {}),
  };
  let match = matchCertain(rest, req);
  let paramQuery = query;
  if (!match && form && req.method === 'POST') {
    // A form POST is how long GET searches travel (CloudSearch domain): the form fields are the
    // query string. Only tried when no POST route fits.
    paramQuery = indexQuery([...view.query, ...parseFormBody(view.body)]);
    match = matchCertain(rest, { ...req, method: 'GET', query: paramQuery });
  }
  if (!match || match === 'ambiguous' || !routeVouches(match.service, match.route, match.labels, paramQuery))
    return identified(ctx, first, first.protocol, undefined, {});
  const op = match.route.op;
  const params = restParams({
    op,
    labels: match.labels,
    query: paramQuery,
    headers: view.headers,
    ...(view.body ? { body: view.body } : {}),
    json: match.service.protocol === 'rest-json',
  });
  return identified(ctx, match.service, match.service.protocol, op.name, params, op.hostPrefix);
}
