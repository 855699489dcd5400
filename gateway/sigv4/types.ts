/** Types shared by the SigV4 verifier and its callers. Pure data. */

/** A request exactly as it arrived on the socket; nothing normalised. */
export interface RawRequest {
  readonly method: string;
  /** `req.url` as received: raw path plus raw query string. */
  readonly rawUrl: string;
  /** Node's `req.rawHeaders`: alternating names and values, original case and order. */
  readonly rawHeaders: readonly string[];
}

export interface CredentialScope {
  readonly date: string; // YYYYMMDD
  readonly region: string;
  readonly service: string;
  readonly terminator: string; // aws4_request
}

export interface ParsedAuth {
  readonly kind: 'header' | 'presigned';
  readonly algorithm: 'AWS4-HMAC-SHA256';
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /**
   * X-Amz-Date (header or query) as given, e.g. 20150830T123600Z. When only a `Date` header
   * (RFC 1123) was sent, its time in that same basic ISO form, which is what the string-to-sign holds.
   */
  readonly amzDate: string;
  readonly requestTime: Date;
  /** Presigned URLs only: X-Amz-Expires in seconds. */
  readonly expiresSeconds?: number;
  /**
   * The x-amz-content-sha256 header value when present (S3 and some others); for presigned
   * URLs also the X-Amz-Content-Sha256 query parameter the JS v3 S3 presigner adds.
   */
  readonly contentSha256?: string;
  /** X-Amz-Security-Token when present. */
  readonly securityToken?: string;
}

export type SigV4ErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidSignatureAlgorithm'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed'
  | 'AuthorizationQueryParametersError'
  | 'PresignedUrlExpired';

export class SigV4Error extends Error {
  constructor(
    readonly code: SigV4ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SigV4Error';
  }
}
