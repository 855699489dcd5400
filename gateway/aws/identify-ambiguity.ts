/**
 * Requests the gateway could read one way and AWS another. identify() picks one reading of
 * whatever it gets; this stage says when that reading is not the only one, so the request is
 * refused before anything is decided about it:
 *
 * - dot (`.`, `..`, also percent-encoded) and empty segments in the path of a service whose
 *   signers normalise paths (all but S3): the signature covers `/functions/secret/invocations`
 *   while the wire says `/functions/orders/../secret/invocations`, and which of the two the
 *   service acts on is not ours to guess;
 * - a member given twice: a query or form parameter, a JSON key, a header AWS reads; the gateway
 *   would decide on one copy and forward both;
 * - two protocols at once (`X-Amz-Target` next to an `Action` parameter or a form body, either
 *   next to a Smithy RPC v2 `smithy-protocol` header), and a query-protocol call whose body is
 *   not a form;
 * - a method override header (`X-HTTP-Method-Override: DELETE` on a GET);
 * - an SQS call whose path names one queue and whose `QueueUrl` another.
 */
import { usesS3PathRules } from '../sigv4/constants';
import { queueFromPath, sameQueue } from './identify-sqs-path';
import { awsModel, type RestOperation, type ServiceModel } from './model';
import { isDotOrEmptySegment } from './route-template';
import { isFormContentType, parseFormBody, parseJsonObject } from './params';
import { jsonBodyProblem } from './params-json-check';
import { nestsDeeper } from './json-depth';
import type { Identified, RequestView } from './types';

/** Headers that decide what a request is or carries, beyond the model's header members. */
const FIXED_HEADERS = [
  'host',
  'authorization',
  'content-type',
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'expect',
];

interface HeaderRules {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

let headerRules: HeaderRules | undefined;

/** Every header any operation of the model reads, and every header-map prefix (`x-amz-meta-`). */
function rules(): HeaderRules {
  if (headerRules) return headerRules;
  const { restHeaders } = awsModel();
  const names = new Set([...FIXED_HEADERS, ...restHeaders.names]);
  const prefixes = new Set(['x-amz-', 'x-amzn-', ...restHeaders.prefixes]);
  headerRules = { names, prefixes: [...prefixes] };
  return headerRules;
}

function readByAws(header: string): boolean {
  const r = rules();
  return r.names.has(header) || r.prefixes.some((p) => header.startsWith(p));
}

function pathProblem(view: RequestView, id: Identified): string | undefined {
  // S3 object keys are read as sent, dots and empty segments included. Anything else signed the
  // S3 way (S3 Control, Outposts) names no objects: its paths get the same rules as other services.
  if (usesS3PathRules(view.signingName) && (id.service === 's3' || id.operation === undefined))
    return undefined;
  const path = view.path;
  if (!path.startsWith('/')) return 'the path does not start with "/"';
  const segments = path.slice(1).split('/');
  // `/` itself and a trailing slash (`/2015-03-31/functions/`) are how SDKs write some routes,
  // but after a greedy label (`/destinations/{arn+}`) the slash may or may not be part of it.
  if (segments[segments.length - 1] === '') {
    if (segments.length > 1 && restOperation(id)?.requestUri.includes('+}'))
      return 'its path ends with "/" after a label that takes the rest of the path, which may or may not include it';
    segments.pop();
  }
  const bad = segments.find(isDotOrEmptySegment);
  if (bad === undefined) return undefined;
  return (
    `its path has ${bad === '' ? 'an empty segment ("//")' : `a "${bad}" segment`}, which ${id.service} ` +
    'may resolve or drop, so which path it would act on cannot be told'
  );
}

function repeatedHeader(view: RequestView): string | undefined {
  const name = view.repeatedHeaders?.find(readByAws);
  return name === undefined ? undefined : `the header ${name} is given more than once`;
}

const restOps = new WeakMap<ServiceModel, ReadonlyMap<string, RestOperation>>();

function restOperation(id: Identified): RestOperation | undefined {
  if (id.operation === undefined) return undefined;
  const svc = awsModel().byId.get(id.service);
  if (!svc || svc.restOperations.length === 0) return undefined;
  let ops = restOps.get(svc);
  if (!ops) {
    ops = new Map(svc.restOperations.map((o) => [o.name, o]));
    restOps.set(svc, ops);
  }
  return ops.get(id.operation);
}

function isForm(view: RequestView): boolean {
  return isFormContentType(
    Object.hasOwn(view.headers, 'content-type') ? view.headers['content-type'] : undefined,
  );
}

/**
 * A parameter given twice. Query-protocol keys are compared case-insensitively (no two members
 * differ only in case); REST list members (`?tagKeys=a&tagKeys=b`) may repeat, nothing else may.
 */
function repeatedParameter(view: RequestView, id: Identified): string | undefined {
  const form = isForm(view);
  const pairs = form ? [...view.query, ...parseFormBody(view.body)] : view.query;
  if (pairs.length < 2) return undefined;
  const rpc = id.protocol === 'query' || id.protocol === 'ec2';
  const lists = new Set<string>();
  for (const m of restOperation(id)?.members ?? [])
    if (m.location === 'querystring' && m.list) lists.add(m.locationName);
  const seen = new Set<string>();
  for (const [key] of pairs) {
    const k = rpc ? key.toLowerCase() : key;
    if (!seen.has(k)) seen.add(k);
    else if (!lists.has(key))
      return `the parameter ${key} is given more than once${form ? ' (query string and form body count together)' : ''}`;
  }
  return undefined;
}

/** Headers some HTTP stacks take to replace the request's method (`GET` that deletes). */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];

function protocolConflict(view: RequestView, id: Identified): string | undefined {
  const override = METHOD_OVERRIDES.find((h) => Object.hasOwn(view.headers, h));
  if (override !== undefined)
    return `it carries ${override}, so whether AWS acts on ${view.method} or on another method cannot be told`;
  const target = Object.hasOwn(view.headers, 'x-amz-target');
  const form = isForm(view);
  const action = view.query.some(([k]) => k.toLowerCase() === 'action');
  if (target && (form || action))
    return 'it carries both an X-Amz-Target header and a query-protocol Action or form body';
  // Smithy RPC v2 names its operation in the path (`/service/S/operation/O`), which the gateway
  // does not read: next to a target or an Action, the service may run either.
  if (Object.hasOwn(view.headers, 'smithy-protocol') && (target || form || action))
    return 'it carries a smithy-protocol header, whose operation is named by the path, next to an X-Amz-Target header or a query-protocol Action or form body';
  const rpc = id.protocol === 'query' || id.protocol === 'ec2';
  if (rpc && !form && view.body !== undefined && view.body.length > 0)
    return 'it is a query-protocol call whose body is not form-encoded';
  return undefined;
}

/** Does identify() read this call's body as JSON? (json protocol; rest-json members or structure payload.) */
function readsJsonBody(id: Identified): boolean {
  // An unidentified call is asked about or refused whatever its body says.
  if (id.operation === undefined) return false;
  if (id.protocol === 'json') return true;
  if (id.protocol !== 'rest-json') return false;
  const op = restOperation(id);
  return op !== undefined && (op.payload === undefined || op.payload.structure);
}

/** Does identify() read this call's body at all? */
function readsBody(id: Identified): boolean {
  return id.protocol === 'query' || id.protocol === 'ec2' || readsJsonBody(id);
}

function bodyProblem(view: RequestView, id: Identified): string | undefined {
  if (view.bodyProblem !== undefined) return readsBody(id) ? view.bodyProblem : undefined;
  if (!view.body || view.body.length === 0 || !readsJsonBody(id)) return undefined;
  // A form body (a CloudSearch search sent as POST) is read as the query string, not as JSON;
  // JSON too deep for parseJsonObject is still JSON.
  if (isForm(view) && !nestsDeeper(view.body) && parseJsonObject(view.body) === undefined) return undefined;
  return jsonBodyProblem(view.body);
}

function queueProblem(view: RequestView, id: Identified): string | undefined {
  if (id.service !== 'sqs') return undefined;
  const inPath = queueFromPath(view.path);
  const url = id.params.QueueUrl;
  if (inPath === undefined || typeof url !== 'string' || sameQueue(inPath, url)) return undefined;
  return `its path names queue ${inPath.account}/${inPath.name} but its QueueUrl is ${url}`;
}

/**
 * Why this request cannot be identified with certainty (a sentence fragment for the agent), or
 * undefined when the identification is the only reading there is.
 */
export function ambiguityOf(view: RequestView, id: Identified): string | undefined {
  return (
    pathProblem(view, id) ??
    repeatedHeader(view) ??
    protocolConflict(view, id) ??
    repeatedParameter(view, id) ??
    bodyProblem(view, id) ??
    queueProblem(view, id)
  );
}
