import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { Sha256Checksum } from './sha256-checksum';
import { SigningKeyCache } from './signing-key-cache';
import type { UpstreamTarget } from './upstream-target';

/** Headers that describe one hop, or carry the agent's own authentication: never forwarded. */
const DROPPED = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'transfer-encoding',
]);

/** Query parameters of a presigned URL: the agent's signature, replaced by ours. */
const PRESIGN_PARAMS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  // The JS v3 S3 presigner hoists the payload hash into the query; we re-sign with headers.
  'x-amz-content-sha256',
]);

export interface OutgoingRequest {
  readonly method: string;
  /** Full path to send (raw, percent-encoded as the agent sent it). */
  readonly path: string;
  /** Raw query string without the agent's presign parameters. */
  readonly rawQuery: string;
  readonly headers: Record<string, string>;
}

function keyOf(pair: string): string {
  const i = pair.indexOf('=');
  const k = i < 0 ? pair : pair.slice(0, i);
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
}

/** Removes presign parameters while keeping the rest of the query exactly as the agent encoded it. */
export function stripPresignParams(rawQuery: string): string {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0 && !PRESIGN_PARAMS.has(keyOf(p)))
    .join('&');
}

/** The agent's headers minus hop-by-hop and authentication headers, lower-cased. */
export function forwardableHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (DROPPED.has(name) || name.startsWith('proxy-')) continue;
    const value = rawHeaders[i + 1] ?? '';
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

function queryRecord(rawQuery: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!rawQuery) return out;
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const dec = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const k = dec(i < 0 ? pair : pair.slice(0, i));
    const v = i < 0 ? '' : dec(pair.slice(i + 1));
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const S3_LIKE = new Set(['s3', 's3-outposts', 's3express']);

/**
 * Re-signs a request with the gateway's real credentials for the call's own signing name and
 * region. The agent's x-amz-content-sha256 is kept, so AWS itself checks streamed bodies; a
 * buffered body is hashed by the signer.
 */
export class Resigner {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly keys = new SigningKeyCache(Sha256Checksum);

  constructor(private readonly credentials: AwsCredentialIdentityProvider) {}

  private signer(service: string, region: string, own?: AwsCredentialIdentity): SignatureV4 {
    // A task's own session credentials get their own signers (the signing key is cached per signer).
    const key = `${service}\n${region}\n${own?.accessKeyId ?? ''}`;
    let s = this.signers.get(key);
    if (!s) {
      const s3 = S3_LIKE.has(service);
      // Renewed sessions leave old signers behind; a bound keeps that from growing without end.
      if (this.signers.size > 4096) this.signers.clear();
      s = new SignatureV4({
        service,
        region,
        credentials: own ? () => Promise.resolve(own) : this.credentials,
        sha256: Sha256Checksum,
        uriEscapePath: !s3,
        applyChecksum: s3,
      });
      // SignatureV4 asks this (private) method for each sign's key; ours is found without an HMAC.
      const keys = this.keys;
      Object.assign(s, {
        getSigningKey: (credentials: AwsCredentialIdentity, r: string, shortDate: string, svc?: string) =>
          keys.get(credentials, shortDate, r, svc ?? service),
      });
      this.signers.set(key, s);
    }
    return s;
  }

  async sign(
    out: OutgoingRequest,
    target: UpstreamTarget,
    signing: { readonly service: string; readonly region: string },
    body: Buffer | undefined,
    now = new Date(),
    /** Sign with these instead of the gateway's own (a task's STS session). */
    credentials?: AwsCredentialIdentity,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...out.headers, host: target.hostHeader };
    if (S3_LIKE.has(signing.service) && headers['x-amz-content-sha256'] === undefined && !body) {
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    }
    const request = new HttpRequest({
      method: out.method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: out.path,
      query: queryRecord(out.rawQuery),
      headers,
      body,
    });
    const signed = await this.signer(signing.service, signing.region, credentials).sign(request, {
      signingDate: now,
      signingService: signing.service,
      signingRegion: signing.region,
    });
    return signed.headers;
  }
}
