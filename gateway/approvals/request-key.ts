import { createHash, randomBytes } from 'node:crypto';
import type { BodyBinding } from '../protocol';
import { forwardableHeaders, stripPresignParams } from '../upstream/resign';

/**
 * What makes two requests "the same call" for approvals. An approval covers exactly the request
 * that was shown, so the key covers everything of the agent's request that reaches AWS: method,
 * the host it addressed, path, every forwarded query parameter in its order, every forwarded
 * header — signed or not, since the gateway re-signs all of them with the real key — the
 * credential scope's service and region (the target), and the body.
 *
 * Left out are only the parts a real SDK changes from one attempt to the next and AWS does not
 * act on: the agent's signature and its time (`authorization`, `x-amz-date`, presign parameters:
 * never forwarded, the gateway signs anew), `date` (AWS reads `x-amz-date`, which the re-signing
 * sets), and the SDKs' attempt telemetry (`amz-sdk-invocation-id`, `amz-sdk-request`), which AWS
 * only logs. The invocation id is left out on purpose too: a re-run of the identical command
 * while the approval is pending is the same call and should not raise a second prompt.
 * `user-agent` stays in: SDKs keep it across retries, and IAM can condition on it.
 */
const PER_ATTEMPT_HEADERS = new Set(['date', 'amz-sdk-invocation-id', 'amz-sdk-request']);

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

export interface KeyedRequest {
  readonly taskId: string;
  readonly method: string;
  /** `req.url` as received. */
  readonly rawUrl: string;
  readonly rawHeaders: readonly string[];
  /** Proxy mode: the AWS host the client addressed (CONNECT or absolute URI). */
  readonly realHost?: string;
  /** The credential scope the call is re-signed for (its date left out: per attempt). */
  readonly scope: { readonly service: string; readonly region: string };
  /** SHA-256 of the buffered body: the gateway forwards exactly these bytes. */
  readonly bodySha256?: string;
  /** The body streams through to AWS unread. */
  readonly streamed: boolean;
}

export interface RequestKey {
  /** Hex SHA-256; equal for retries of the same call within one task. */
  readonly key: string;
  /** How much of the body the key (and so an approval) binds. */
  readonly body: BodyBinding;
}

/**
 * How an approval binds a body. Buffered bodies are hashed; a streamed body is bound when its
 * forwarded `x-amz-content-sha256` is a digest (AWS refuses bytes that do not match it). An
 * `UNSIGNED-PAYLOAD` upload streams bytes nobody has seen when the approval is decided — not the
 * approver, not the gateway — so the key binds what is declared about them (length, checksums:
 * headers, already in the key). With no declared length either, nothing ties one attempt to
 * another: each attempt gets a key of its own and waits for its own decision (fail closed).
 */
function bodyBinding(r: KeyedRequest, headers: Readonly<Record<string, string>>): BodyBinding {
  if (r.bodySha256 !== undefined) return { kind: 'sha256', sha256: r.bodySha256.toLowerCase() };
  if (!r.streamed) return { kind: 'none' };
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && HEX_SHA256.test(declared))
    return { kind: 'sha256', sha256: declared.toLowerCase() };
  const length = headers['x-amz-decoded-content-length'] ?? headers['content-length'];
  const bytes = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
  return bytes === undefined ? { kind: 'per-attempt' } : { kind: 'declared-length', bytes };
}

export function requestKey(r: KeyedRequest): RequestKey {
  const q = r.rawUrl.indexOf('?');
  const path = q < 0 ? r.rawUrl : r.rawUrl.slice(0, q);
  // Exactly the query the forward stage sends (order kept: AWS may read the first of duplicates).
  const query = stripPresignParams(q < 0 ? '' : r.rawUrl.slice(q + 1));
  const forwarded = forwardableHeaders(r.rawHeaders);
  const body = bodyBinding(r, forwarded);
  const h = createHash('sha256');
  // Length-prefixed fields: no choice of values can make two different calls hash alike.
  const field = (s: string): void => {
    h.update(`${Buffer.byteLength(s)}:`);
    h.update(s);
  };
  field(r.taskId);
  field(r.method.toUpperCase());
  // Host is not forwarded as such, but it chooses where the call goes (virtual-hosted buckets).
  field(joinedHeader(r.rawHeaders, 'host') ?? '');
  field(r.realHost ?? '');
  field(r.scope.service);
  field(r.scope.region);
  field(path);
  field(query);
  const names = Object.keys(forwarded)
    .filter((n) => !PER_ATTEMPT_HEADERS.has(n))
    .sort();
  field(String(names.length));
  for (const n of names) {
    field(n);
    field(forwarded[n] ?? '');
  }
  field(body.kind);
  if (body.kind === 'sha256') field(body.sha256);
  if (body.kind === 'per-attempt') field(randomBytes(16).toString('hex'));
  return { key: h.digest('hex'), body };
}

/** Every value of one header, joined as the forward stage joins repeated headers. */
function joinedHeader(rawHeaders: readonly string[], name: string): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if ((rawHeaders[i] ?? '').toLowerCase() === name) values.push(rawHeaders[i + 1] ?? '');
  return values.length === 0 ? undefined : values.join(',');
}
