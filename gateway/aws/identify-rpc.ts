/**
 * RPC-style protocols: query / ec2 (`Action=` + `Version=` in the query string or form body) and
 * json (`X-Amz-Target: Prefix.Operation`). A service is accepted in either when it speaks it:
 * SQS is a JSON service that still takes query calls, query services are gaining JSON.
 */
import { identified, type Context } from './identify-result';
import type { ServiceModel } from './model';
import { flattenedParams, mergeMissing, parseFormBody, parseJsonObject, type Params } from './params';
import type { AwsProtocol, Identified } from './types';

export const isRest = (s: ServiceModel): boolean => s.protocol === 'rest-json' || s.protocol === 'rest-xml';
const speaksQuery = (s: ServiceModel): boolean =>
  s.protocol === 'query' || s.protocol === 'ec2' || s.queryCompatible;
const speaksJson = (s: ServiceModel): boolean =>
  s.protocol === 'json' || s.protocol === 'query' || s.protocol === 'ec2';
const queryWire = (s: ServiceModel): AwsProtocol => (s.protocol === 'ec2' ? 'ec2' : 'query');

function distinct(pairs: ReadonlyArray<readonly [string, string]>, key: string): string[] {
  const out: string[] = [];
  for (const [k, v] of pairs) if (k === key && !out.includes(v)) out.push(v);
  return out;
}

/** Query / ec2 protocol. Undefined: not applicable, let the REST matcher try. */
export function identifyQuery(
  ctx: Context,
  services: readonly ServiceModel[],
  form: boolean,
): Identified | undefined {
  const capable = services.filter(speaksQuery);
  const first = capable[0];
  if (!first) return undefined;
  const { view } = ctx;
  const pairs: ReadonlyArray<readonly [string, string]> = form
    ? [...view.query, ...parseFormBody(view.body)]
    : view.query;
  const actions = distinct(pairs, 'Action');
  const hasRest = services.some(isRest);
  // A form POST without Action may be a REST call (CloudSearch domain search); else unidentified.
  if (actions.length === 0)
    return hasRest ? undefined : identified(ctx, first, queryWire(first), undefined, flattenedParams(pairs));
  const params = flattenedParams(pairs);
  // Two different Actions: AWS would pick one, we cannot know which; leave it unidentified.
  if (actions.length > 1) return identified(ctx, first, queryWire(first), undefined, params);
  const action = actions[0]!;
  const eligible = capable.filter((s) => s.operationNames.has(action));
  if (eligible.length === 0)
    return hasRest ? undefined : identified(ctx, first, queryWire(first), undefined, params);
  // Version tells apart services sharing a signing name and action names (elb 2012-06-01, elbv2
  // 2015-12-01). Without one that settles it, picking either would be a guess at which API, and
  // so which resource, the call acts on: unidentified.
  const versions = distinct(pairs, 'Version');
  const svc =
    eligible.length === 1
      ? eligible[0]
      : versions.length === 1
        ? eligible.find((s) => s.apiVersion === versions[0])
        : undefined;
  if (!svc) return identified(ctx, first, queryWire(first), undefined, params);
  return identified(ctx, svc, queryWire(svc), action, params, svc.hostPrefixes.get(action));
}

/** json protocol. Undefined: no candidate speaks it, let the REST matcher try. */
export function identifyJson(
  ctx: Context,
  services: readonly ServiceModel[],
  target: string,
): Identified | undefined {
  const capable = services.filter(speaksJson);
  if (capable.length === 0) return undefined;
  const params: Params = {};
  const body = parseJsonObject(ctx.view.body);
  if (body) mergeMissing(params, body);
  const dot = target.lastIndexOf('.');
  const prefix = dot > 0 ? target.slice(0, dot).trim() : '';
  const operation = dot > 0 ? target.slice(dot + 1).trim() : '';
  const fallback = capable.find((s) => s.protocol === 'json') ?? capable[0]!;
  const found = (svc: ServiceModel): Identified =>
    identified(ctx, svc, 'json', operation, params, svc.hostPrefixes.get(operation));
  // A repeated header arrives comma-joined: ambiguous, so unidentified.
  if (prefix === '' || operation === '' || target.includes(','))
    return identified(ctx, fallback, 'json', undefined, params);
  // The target prefix is what tells DynamoDB (DynamoDB_20120810) from DynamoDB Streams (DynamoDBStreams_20120810).
  const byPrefix = capable.filter((s) => s.targetPrefix === prefix);
  if (byPrefix.length > 0) {
    const svc = byPrefix.find((s) => s.operationNames.has(operation));
    return svc ? found(svc) : identified(ctx, byPrefix[0]!, 'json', undefined, params);
  }
  // Query services that also speak JSON: the v2 models do not carry their JSON target prefix,
  // so the operation name decides.
  const querySvc = capable.find(
    (s) => (s.protocol === 'query' || s.protocol === 'ec2') && s.operationNames.has(operation),
  );
  return querySvc ? found(querySvc) : identified(ctx, fallback, 'json', undefined, params);
}
