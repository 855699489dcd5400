import { createHash } from 'node:crypto';

/**
 * What makes two requests "the same call" for approvals. SDKs retry by re-signing: a retry has a
 * new X-Amz-Date, a new signature and a new `amz-sdk-request: attempt=N` header, but the same
 * method, target, signed headers and body. The key keeps everything the agent signed except
 * those per-attempt parts, so retries (and re-runs of the identical command while the approval
 * is pending) attach to one approval, while any change the agent signed makes a different call.
 *
 * The SDK's invocation id is left out on purpose: a re-run of the same command is a new
 * invocation, and it should not raise a second prompt for the same call. For `UNSIGNED-PAYLOAD`
 * bodies (S3 uploads) the signature does not cover the bytes and the body is held back until the
 * decision, so the key binds the declared headers (length, checksums) but cannot bind the bytes.
 */
const PER_ATTEMPT_HEADERS = new Set([
  'authorization',
  'x-amz-date',
  'date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'amz-sdk-request',
  'amz-sdk-invocation-id',
  'user-agent',
  'x-amz-user-agent',
  'x-amzn-trace-id',
]);

const SIGNATURE_QUERY = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
]);

export interface KeyedRequest {
  readonly taskId: string;
  readonly method: string;
  /** `req.url` as received. */
  readonly rawUrl: string;
  readonly rawHeaders: readonly string[];
  /** Lower-case names of the headers the agent signed. */
  readonly signedHeaders: readonly string[];
  /** SHA-256 of the body when known, else the declared payload hash (`UNSIGNED-PAYLOAD`, ...). */
  readonly payloadHash: string;
}

/** A hex SHA-256 identifying the call; equal for retries of the same call within one task. */
export function requestKey(r: KeyedRequest): string {
  const q = r.rawUrl.indexOf('?');
  const path = q < 0 ? r.rawUrl : r.rawUrl.slice(0, q);
  const query =
    q < 0
      ? []
      : r.rawUrl
          .slice(q + 1)
          .split('&')
          .filter((kv) => kv !== '' && !SIGNATURE_QUERY.has(decodeName(kv).toLowerCase()))
          .sort();
  const signed = new Set(r.signedHeaders.map((h) => h.toLowerCase()));
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
    const name = (r.rawHeaders[i] ?? '').toLowerCase();
    if (!signed.has(name) || PER_ATTEMPT_HEADERS.has(name)) continue;
    const list = headers.get(name) ?? [];
    list.push((r.rawHeaders[i + 1] ?? '').trim().replace(/\s+/g, ' '));
    headers.set(name, list);
  }
  const h = createHash('sha256');
  // Length-prefixed fields: no choice of values can make two different calls hash alike.
  const field = (s: string): void => {
    h.update(`${Buffer.byteLength(s)}:`);
    h.update(s);
  };
  field(r.taskId);
  field(r.method.toUpperCase());
  field(path);
  field(String(query.length));
  for (const kv of query) field(kv);
  const names = [...headers.keys()].sort();
  field(String(names.length));
  for (const n of names) {
    field(n);
    field((headers.get(n) ?? []).join(','));
  }
  field(r.payloadHash);
  return h.digest('hex');
}

function decodeName(kv: string): string {
  const eq = kv.indexOf('=');
  const name = eq < 0 ? kv : kv.slice(0, eq);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
