/** Public API of the SigV4 verifier. Pure: no I/O besides node:crypto. */

export { formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date';
export {
  buildCanonicalRequest,
  canonicalHeaderValue,
  canonicalQueryString,
  canonicalUri,
  type CanonicalRequest,
} from './canonical-request';
export {
  ALGORITHM,
  DEFAULT_MAX_SKEW_MS,
  EMPTY_SHA256,
  MAX_PRESIGN_EXPIRES_SECONDS,
  UNSIGNED_PAYLOAD,
  usesS3PathRules,
} from './constants';
export { parseAuth } from './parse-auth';
export { declaredPayloadHash, resolvePayloadHash, sha256Hex } from './payload-hash';
export { splitRawUrl } from './raw-request';
export { checkRequestTime } from './request-time';
export { clearSigningKeyCache, deriveSigningKey, signingKeyCacheSize } from './signing-key';
export {
  SigV4Error,
  type CredentialScope,
  type ParsedAuth,
  type RawRequest,
  type SigV4ErrorCode,
} from './types';
export {
  assertSignature,
  buildStringToSign,
  checkSignature,
  computeSignature,
  credentialScopeString,
  verifySignature,
  type SignatureCheck,
} from './verify';
