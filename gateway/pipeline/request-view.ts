import zlib from 'node:zlib';
import type { RequestView } from '../aws/types';
import type { CallContext } from './call-context';
import { BUFFER_CAP_BYTES } from './read-body';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a raw query string into decoded pairs (`+` is literal, as SigV4 treats it). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

export function splitUrl(rawUrl: string): { path: string; rawQuery: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, rawQuery: '' } : { path: rawUrl.slice(0, q), rawQuery: rawUrl.slice(q + 1) };
}

/** Each header's distinct values in arrival order, by lower-cased name. */
function headerValues(rawHeaders: readonly string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    const list = values.get(name);
    if (!list) values.set(name, [value]);
    else if (!list.includes(value)) list.push(value);
  }
  return values;
}

/** One header's value as AWS reads it: distinct values joined with ",". */
function setHeader(out: Record<string, string>, name: string, list: readonly string[]): void {
  const value = list.length === 1 ? list[0]! : list.join(',');
  // Plain assignment keeps the object fast; only `__proto__` would hit Object.prototype's setter.
  if (name === '__proto__')
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

/**
 * Lower-cased headers from the raw header list (a header repeated with different values has them
 * joined with ",", one repeated with the same value is that value: AWS reads it either way), and
 * the names of those repeated with different values; one pass, as the call path needs both.
 */
function headersAndRepeats(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  repeated: string[];
} {
  const headers: Record<string, string> = {};
  const repeated: string[] = [];
  for (const [name, list] of headerValues(rawHeaders)) {
    setHeader(headers, name, list);
    if (list.length > 1) repeated.push(name);
  }
  return { headers, repeated };
}

export function headerMap(rawHeaders: readonly string[]): Record<string, string> {
  return headersAndRepeats(rawHeaders).headers;
}

/** Lower-cased names of headers that arrived more than once with different values. */
export function repeatedHeaderNames(rawHeaders: readonly string[]): string[] {
  return headersAndRepeats(rawHeaders).repeated;
}

export type IdentifyBody =
  | { readonly body: Buffer | undefined; readonly problem?: undefined }
  | { readonly body?: undefined; readonly problem: string };

/**
 * The buffered body as identify must read it: decoded when it carries a content coding (botocore
 * gzips large CloudWatch PutMetricData forms), so the gateway decides on what the service will
 * decode. The compressed bytes are still what is forwarded, since the signature covers them.
 * A body that does not decode comes back as a problem; whether it matters depends on whether the
 * identified operation reads its body (identify-ambiguity.ts).
 */
export function bodyForIdentify(body: Buffer | undefined, contentEncoding: string | undefined): IdentifyBody {
  if (body === undefined || body.length === 0 || contentEncoding === undefined) return { body };
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { body };
  const what = `its Content-Encoding (${contentEncoding})`;
  if (codings.length > 1) return { problem: `${what} stacks more than one coding` };
  const coding = codings[0]!;
  const opts = { maxOutputLength: BUFFER_CAP_BYTES };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return { body: zlib.gunzipSync(body, opts) };
    if (coding === 'deflate') return { body: zlib.inflateSync(body, opts) };
    if (coding === 'br') return { body: zlib.brotliDecompressSync(body, opts) };
  } catch (e) {
    return {
      problem:
        e instanceof RangeError
          ? `its body decodes to more than ${BUFFER_CAP_BYTES} bytes`
          : `its body does not decode as ${what} says`,
    };
  }
  return { problem: `${what} is not one Airlock can decode (gzip, deflate, br)` };
}

/** A received request as the identify stage reads it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly rawUrl: string;
  /** Node's raw header list: name, value, name, value, ... */
  readonly rawHeaders: readonly string[];
  /** The buffered body, when there is one. */
  readonly body?: Buffer;
  readonly signingName: string;
  readonly region: string;
  /** Proxy mode: the AWS host the client addressed. */
  readonly host?: string;
}

export function requestViewOf(r: ReceivedRequest): RequestView {
  const { path, rawQuery } = splitUrl(r.rawUrl);
  const { headers, repeated } = headersAndRepeats(r.rawHeaders);
  const decoded = bodyForIdentify(
    r.body,
    Object.hasOwn(headers, 'content-encoding') ? headers['content-encoding'] : undefined,
  );
  return {
    method: r.method,
    path,
    query: parseQuery(rawQuery),
    headers,
    ...(repeated.length > 0 ? { repeatedHeaders: repeated } : {}),
    ...(decoded.problem !== undefined ? { bodyProblem: decoded.problem } : { body: decoded.body }),
    signingName: r.signingName,
    region: r.region,
    ...(r.host !== undefined ? { host: r.host } : {}),
  };
}

export function toRequestView(ctx: CallContext, host?: string): RequestView {
  return requestViewOf({
    method: ctx.raw.method,
    rawUrl: ctx.raw.rawUrl,
    rawHeaders: ctx.raw.rawHeaders,
    ...(ctx.body !== undefined ? { body: ctx.body } : {}),
    signingName: ctx.auth?.scope.service ?? 'unknown',
    region: ctx.auth?.scope.region ?? 'us-east-1',
    ...(host !== undefined ? { host } : {}),
  });
}
