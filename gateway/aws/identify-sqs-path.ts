/**
 * SQS takes a queue's URL as the request's own address: `POST /123456789012/jobs` with
 * `Action=DeleteQueue` and no `QueueUrl` deletes `jobs` (the query protocol's original form). So
 * the path names a resource, and identify must read it there when the parameter is absent.
 */
import { setParam, type Params } from './params';

export interface QueueRef {
  readonly account: string;
  readonly name: string;
}

const QUEUE_PATH = /^\/(\d{12})\/([^/?#]+)\/?$/;
const QUEUE_URL = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]+)?(\/[^?#]*)$/i;

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The queue a raw request path names (`/123456789012/jobs`), if it names one. */
export function queueFromPath(path: string): QueueRef | undefined {
  const m = QUEUE_PATH.exec(path);
  return m?.[1] && m[2] ? { account: m[1], name: decoded(m[2]) } : undefined;
}

/** True when a QueueUrl names the same queue (host aside: the gateway may stand in for it). */
export function sameQueue(q: QueueRef, queueUrl: string): boolean {
  const path = QUEUE_URL.exec(queueUrl)?.[1];
  const other = path === undefined ? undefined : queueFromPath(path);
  return other !== undefined && other.account === q.account && other.name === q.name;
}

/** Params with `QueueUrl` taken from the path when the call names its queue only there. */
export function withQueueFromPath(path: string, params: Params): Params {
  if (Object.hasOwn(params, 'QueueUrl')) return params;
  const q = queueFromPath(path);
  if (q === undefined) return params;
  const out: Params = { ...params };
  setParam(out, 'QueueUrl', `/${q.account}/${encodeURIComponent(q.name)}`);
  return out;
}
