/** Wire names and limits of AWS Signature Version 4, in one place so parser and verifier agree. */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SCOPE_TERMINATOR = 'aws4_request';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** AWS refuses presigned URLs valid for longer than a week. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

export const Q_ALGORITHM = 'X-Amz-Algorithm';
export const Q_CREDENTIAL = 'X-Amz-Credential';
export const Q_DATE = 'X-Amz-Date';
export const Q_EXPIRES = 'X-Amz-Expires';
export const Q_SIGNED_HEADERS = 'X-Amz-SignedHeaders';
export const Q_SIGNATURE = 'X-Amz-Signature';
export const Q_SECURITY_TOKEN = 'X-Amz-Security-Token';
/** The JS v3 S3 presigner hoists its `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` header into the query. */
export const Q_CONTENT_SHA256 = 'X-Amz-Content-Sha256';

/**
 * Signing names whose SDK signers use the wire path verbatim (botocore's S3*Auth classes skip
 * `_normalize_url_path`; the JS v3 S3 client sets `uriEscapePath: false`). Every other service
 * gets a normalised, second-time-encoded path.
 */
const S3_SIGNING_NAMES: ReadonlySet<string> = new Set(['s3', 's3-outposts', 's3express', 's3-object-lambda']);

export function usesS3PathRules(service: string): boolean {
  return S3_SIGNING_NAMES.has(service);
}
