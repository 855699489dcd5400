/**
 * Input parameters of a REST call by model member name: URI labels (decoded), querystring and
 * header members, and the JSON body of rest-json calls.
 */
import type { RestOperation } from './model';
import { decodeLabel, mergeMissing, parseJsonObject, setParam, type Params } from './params';
import type { QueryIndex } from './route-template';

// Header members that carry credentials (bearer tokens, SSE-C keys). They are inputs by the
// model's letter, but params travel into decisions, prompts and recordings: keep them out.
const SECRET_HEADER = /authoriz|authentication|bearer|security-token|customer-key$/;

function headerPrefixMap(
  headers: Readonly<Record<string, string>>,
  prefix: string,
): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of Object.keys(headers)) {
    if (name.length <= prefix.length || !name.startsWith(prefix)) continue;
    out ??= {};
    setParam(out, name.slice(prefix.length), headers[name]);
  }
  return out;
}

function isSigningQueryKey(key: string): boolean {
  return key.length > 6 && key.slice(0, 6).toLowerCase() === 'x-amz-';
}

export interface RestParamInput {
  readonly op: RestOperation;
  /** Raw label values by label name. */
  readonly labels: ReadonlyMap<string, string>;
  readonly query: QueryIndex;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly json: boolean;
}

export function restParams(input: RestParamInput): Params {
  const { op, labels, query, headers } = input;
  const out: Params = {};
  const claimedQueryKeys = new Set<string>();
  let queryMap: string | undefined;
  for (const m of op.members) {
    switch (m.location) {
      case 'uri': {
        const raw = labels.get(m.locationName);
        if (raw !== undefined) setParam(out, m.name, decodeLabel(raw));
        break;
      }
      case 'querystring': {
        claimedQueryKeys.add(m.locationName);
        const values = query.get(m.locationName);
        if (values && values.length > 0) setParam(out, m.name, m.list ? [...values] : values[0]);
        break;
      }
      case 'querystring-map':
        queryMap = m.name;
        break;
      case 'header': {
        if (SECRET_HEADER.test(m.locationName)) break;
        const value = headers[m.locationName];
        if (value !== undefined && Object.hasOwn(headers, m.locationName)) setParam(out, m.name, value);
        break;
      }
      case 'headers': {
        const map = headerPrefixMap(headers, m.locationName);
        if (map) setParam(out, m.name, map);
        break;
      }
    }
  }
  if (queryMap !== undefined) {
    // Free-form query members (API Gateway stage variables, filters) take what no named member claimed.
    const map: Record<string, string> = {};
    let any = false;
    for (const [k, values] of query) {
      if (claimedQueryKeys.has(k) || isSigningQueryKey(k) || values[0] === undefined) continue;
      setParam(map, k, values[0]);
      any = true;
    }
    if (any) setParam(out, queryMap, map);
  }
  if (input.json && input.body) {
    const parsed = parseJsonObject(input.body);
    if (parsed) {
      if (op.payload?.structure) setParam(out, op.payload.member, parsed);
      else if (!op.payload) mergeMissing(out, parsed);
    }
  }
  return out;
}
