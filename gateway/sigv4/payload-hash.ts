/** Which payload hash a request was signed with, and hashing for when the caller must compute it. */

import { sha256Hex } from '../crypto/sha256-hex';
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, usesS3PathRules } from './constants';
import type { ParsedAuth } from './types';

export { sha256Hex };

/**
 * The payload hash the client declared, or undefined when the caller must hash the body:
 * - an `x-amz-content-sha256` value (header, or the query parameter the JS v3 S3 presigner
 *   hoists) is used verbatim, including UNSIGNED-PAYLOAD and STREAMING-* markers;
 * - presigned S3 URLs otherwise mean UNSIGNED-PAYLOAD (botocore S3SigV4QueryAuth);
 * - presigned URLs of other services sign the body hash like header auth does (botocore
 *   SigV4QueryAuth and @smithy/signature-v4 `presign` both hash the body, usually empty).
 */
export function declaredPayloadHash(
  auth: Pick<ParsedAuth, 'kind' | 'scope' | 'contentSha256'>,
): string | undefined {
  if (auth.contentSha256 !== undefined) return auth.contentSha256;
  if (auth.kind === 'presigned' && usesS3PathRules(auth.scope.service)) return UNSIGNED_PAYLOAD;
  return undefined;
}

/** Declared hash if any, else the SHA-256 of the buffered body (empty when there is none). */
export function resolvePayloadHash(
  auth: Pick<ParsedAuth, 'kind' | 'scope' | 'contentSha256'>,
  body?: Uint8Array,
): string {
  const declared = declaredPayloadHash(auth);
  if (declared !== undefined) return declared;
  return body === undefined || body.byteLength === 0 ? EMPTY_SHA256 : sha256Hex(body);
}
