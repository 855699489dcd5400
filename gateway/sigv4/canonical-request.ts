/**
 * The canonical request, built from the request exactly as received. Byte strings throughout
 * (see byte-string.ts); the result is hashed as latin1 so every byte counts as the client sent it.
 */

import { canonicalQueryComponent, toByteString, uriEncode } from './byte-string';
import { Q_SIGNATURE, usesS3PathRules } from './constants';
import { indexHeaders, parseQuery, splitRawUrl } from './raw-request';
import type { ParsedAuth, RawRequest } from './types';

export interface CanonicalRequest {
  readonly canonicalRequest: string;
  /** Signed header names the request does not carry; any entry makes verification fail. */
  readonly missingHeaders: readonly string[];
}

/**
 * S3 signers sign the wire path verbatim. Everyone else removes `.`/`..` segments and empty
 * segments (as botocore's remove_dot_segments and @smithy/signature-v4 do) and then encodes
 * the already-encoded wire path once more, so `%20` on the wire becomes `%2520` here.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (usesS3PathRules(service)) return toByteString(rawPath);
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = rawPath.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return uriEncode(`${lead}${segments.join('/')}${trail}`, true);
}

/**
 * Pairs are decoded and strictly re-encoded, then sorted by key and value (byte order; encoded
 * strings are ASCII so code-unit order is byte order). Presigned URLs leave out X-Amz-Signature.
 */
export function canonicalQueryString(rawQuery: string, presigned: boolean): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const p of parseQuery(rawQuery)) {
    if (presigned && p.key === Q_SIGNATURE) continue;
    pairs.push([canonicalQueryComponent(p.rawKey), canonicalQueryComponent(p.rawValue)]);
  }
  pairs.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Trim and collapse runs of spaces, tabs and line breaks (a folded multi-line value becomes one
 * line), the same set @smithy/signature-v4 collapses.
 */
export function canonicalHeaderValue(value: string): string {
  return toByteString(value)
    .replace(/[ \t\r\n]+/g, ' ')
    .replace(/^ | $/g, '');
}

export function buildCanonicalRequest(
  raw: RawRequest,
  auth: Pick<ParsedAuth, 'kind' | 'scope' | 'signedHeaders'>,
  payloadHash: string,
): CanonicalRequest {
  const { path, query } = splitRawUrl(raw.rawUrl);
  const headers = indexHeaders(raw.rawHeaders);
  const missingHeaders: string[] = [];
  let headerBlock = '';
  for (const name of auth.signedHeaders) {
    const values = headers.get(name.toLowerCase());
    if (values === undefined) missingHeaders.push(name);
    // Repeated headers are joined with "," in arrival order, each value trimmed on its own.
    headerBlock += `${name}:${(values ?? []).map(canonicalHeaderValue).join(',')}\n`;
  }
  const canonicalRequest = [
    toByteString(raw.method),
    canonicalUri(path, auth.scope.service),
    canonicalQueryString(query, auth.kind === 'presigned'),
    headerBlock,
    auth.signedHeaders.join(';'),
    toByteString(payloadHash),
  ].join('\n');
  return { canonicalRequest, missingHeaders };
}
