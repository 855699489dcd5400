/**
 * Query keys and labels a REST route match cannot vouch for. The route table picks an operation
 * by the query keys its templates name and ignores the rest; AWS may not:
 *
 * - a key that selects another route of the service (`?policy` on `PUT /b/k`, which S3 also
 *   dispatches at a key's path; `?operation=` with a value no Chime route names) means the match
 *   is not the only reading, whatever the matched operation would make of it;
 * - S3 dispatches on bare sub-resource keys and has gained ones the model does not know
 *   (`?abac`, `?metadataTable`, `?renameObject`), so any key the matched S3 operation does not
 *   read may be one; other services route on none, and an unknown key changes nothing there;
 * - an S3 bucket segment that decodes to a character no bucket name holds (`/a%2Fb`) names no
 *   bucket the gateway could decide on: S3 refuses it or splits it, which is not ours to guess.
 */
import type { ServiceModel } from './model';
import { decodeLabel } from './params';
import type { CompiledRoute, QueryIndex } from './route-template';

/** What every client may add: the S3 operation hint and the query-signing parameters. */
function alwaysReadable(key: string): boolean {
  return key === 'x-id' || (key.length > 6 && key.slice(0, 6).toLowerCase() === 'x-amz-');
}

const selectorKeys = new WeakMap<ServiceModel, ReadonlySet<string>>();

/** Query keys some route of the service names in its template (`policy`, `list-type`, `operation`). */
function selectorsOf(service: ServiceModel): ReadonlySet<string> {
  let keys = selectorKeys.get(service);
  if (keys) return keys;
  const out = new Set<string>();
  for (const op of service.restOperations) {
    const q = op.requestUri.indexOf('?');
    if (q < 0) continue;
    for (const pair of op.requestUri.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (key !== '') out.add(key);
    }
  }
  keys = out;
  selectorKeys.set(service, keys);
  return keys;
}

interface ReadKeys {
  readonly keys: ReadonlySet<string>;
  /** A querystring map member: the operation reads every key. */
  readonly anyKey: boolean;
}

const readKeysOf = new WeakMap<CompiledRoute, ReadKeys>();

/** Query keys the operation reads: its template's literals and its querystring members. */
function readKeys(route: CompiledRoute): ReadKeys {
  let read = readKeysOf.get(route);
  if (read) return read;
  const keys = new Set(route.queryLiterals.map(([k]) => k));
  let anyKey = false;
  for (const m of route.op.members) {
    if (m.location === 'querystring') keys.add(m.locationName);
    else if (m.location === 'querystring-map') anyKey = true;
  }
  read = { keys, anyKey };
  readKeysOf.set(route, read);
  return read;
}

/** Characters of bucket names, legacy ones (upper case, `_`) included. */
const BUCKET_CHARS = /^[A-Za-z0-9._-]+$/;

/** True when the matched route is the only reading of the request's query keys and bucket. */
export function routeVouches(
  service: ServiceModel,
  route: CompiledRoute,
  labels: ReadonlyMap<string, string>,
  query: QueryIndex,
): boolean {
  const s3 = service.id === 's3';
  const bucket = s3 ? labels.get('Bucket') : undefined;
  if (bucket !== undefined && !BUCKET_CHARS.test(decodeLabel(bucket))) return false;
  if (query.size === 0) return true;
  const selectors = selectorsOf(service);
  const { keys, anyKey } = readKeys(route);
  for (const key of query.keys()) {
    if (keys.has(key) || alwaysReadable(key)) continue;
    if (selectors.has(key) || (s3 && !anyKey)) return false;
  }
  return true;
}
