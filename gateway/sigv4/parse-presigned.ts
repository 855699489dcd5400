/** Presigned-URL authentication: the X-Amz-* query parameters. */

import {
  parseCredential,
  parseRequestDate,
  parseSignedHeaders,
  printable,
  singleHeader,
} from './auth-fields';
import {
  ALGORITHM,
  MAX_PRESIGN_EXPIRES_SECONDS,
  Q_ALGORITHM,
  Q_CONTENT_SHA256,
  Q_CREDENTIAL,
  Q_DATE,
  Q_EXPIRES,
  Q_SECURITY_TOKEN,
  Q_SIGNATURE,
  Q_SIGNED_HEADERS,
} from './constants';
import type { HeaderIndex, QueryParam } from './raw-request';
import { SigV4Error, type ParsedAuth } from './types';

const AUTH_PARAMS: ReadonlySet<string> = new Set([
  Q_ALGORITHM,
  Q_CREDENTIAL,
  Q_DATE,
  Q_EXPIRES,
  Q_SIGNED_HEADERS,
  Q_SIGNATURE,
  Q_SECURITY_TOKEN,
  Q_CONTENT_SHA256,
]);

const code = 'AuthorizationQueryParametersError';

export function parsePresigned(params: readonly QueryParam[], headers: HeaderIndex): ParsedAuth {
  const found = new Map<string, string>();
  for (const p of params) {
    if (!AUTH_PARAMS.has(p.key)) continue;
    // Two values for one auth parameter would let the signer and a later reader disagree.
    if (found.has(p.key)) throw new SigV4Error(code, `${p.key} appears more than once`);
    found.set(p.key, p.value);
  }
  const algorithm = found.get(Q_ALGORITHM);
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    throw new SigV4Error(
      'InvalidSignatureAlgorithm',
      `X-Amz-Algorithm only supports "${ALGORITHM}", got "${printable(algorithm)}"`,
    );
  }
  const credential = found.get(Q_CREDENTIAL);
  const amzDate = found.get(Q_DATE);
  const expires = found.get(Q_EXPIRES);
  const signedHeaders = found.get(Q_SIGNED_HEADERS);
  const signature = found.get(Q_SIGNATURE);
  if (
    algorithm === undefined ||
    credential === undefined ||
    amzDate === undefined ||
    expires === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    signature === ''
  ) {
    throw new SigV4Error(
      code,
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters',
    );
  }
  const { accessKeyId, scope } = parseCredential(credential, code);
  const names = parseSignedHeaders(signedHeaders, code);
  const requestTime = parseRequestDate(amzDate, scope, code);
  const expiresSeconds = parseExpires(expires);
  const contentSha256 = singleHeader(headers, 'x-amz-content-sha256', code) ?? found.get(Q_CONTENT_SHA256);
  const securityToken = found.get(Q_SECURITY_TOKEN);
  return {
    kind: 'presigned',
    algorithm: ALGORITHM,
    accessKeyId,
    scope,
    signedHeaders: names,
    signature,
    amzDate,
    requestTime,
    expiresSeconds,
    ...(contentSha256 !== undefined ? { contentSha256 } : {}),
    ...(securityToken !== undefined ? { securityToken } : {}),
  };
}

function parseExpires(value: string): number {
  if (!/^\d{1,7}$/.test(value)) {
    throw new SigV4Error(code, `X-Amz-Expires "${printable(value)}" is not a non-negative integer`);
  }
  const seconds = Number(value);
  if (seconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new SigV4Error(
      code,
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES_SECONDS}`,
    );
  }
  return seconds;
}
