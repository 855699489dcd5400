/**
 * Every error the gateway produces for an agent carries a stable code (the AWS error code the
 * client's SDK understands) and an HTTP status. Rendering into the service's wire shape happens in
 * one place: render-aws-error.ts.
 */

export type GatewayErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidSignatureAlgorithm'
  | 'InvalidClientTokenId'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'XAmzContentSHA256Mismatch'
  | 'ExpiredToken'
  | 'RequestTimeTooSkewed'
  | 'AuthorizationQueryParametersError'
  | 'AccessDenied'
  | 'EndpointNotAllowed'
  | 'InvalidRequest'
  | 'InvalidArgument'
  | 'MalformedXML'
  | 'BadDigest'
  | 'ValidationException'
  | 'NotImplemented'
  | 'RequestEntityTooLarge'
  | 'RequestTimeout'
  | 'SlowDown'
  | 'AccountMismatch'
  | 'MalformedRequest'
  | 'ExpectationFailed'
  | 'RecordingUnavailable'
  | 'ResponseNotMaskable'
  | 'CredentialsUnavailable'
  | 'SignedOut'
  | 'UpstreamUnreachable'
  | 'TooManyOpenFiles'
  | 'InternalFailure';

const STATUS: Record<GatewayErrorCode, number> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidSignatureAlgorithm: 400,
  InvalidClientTokenId: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
  ExpiredToken: 403,
  RequestTimeTooSkewed: 403,
  AuthorizationQueryParametersError: 400,
  AccessDenied: 403,
  EndpointNotAllowed: 403,
  InvalidRequest: 400,
  InvalidArgument: 400,
  MalformedXML: 400,
  BadDigest: 400,
  ValidationException: 400,
  NotImplemented: 501,
  RequestEntityTooLarge: 413,
  RequestTimeout: 400,
  SlowDown: 503,
  AccountMismatch: 503,
  MalformedRequest: 400,
  ExpectationFailed: 417,
  RecordingUnavailable: 503,
  ResponseNotMaskable: 502,
  CredentialsUnavailable: 503,
  // The user's to fix (sign in again), and not worth an SDK retry.
  SignedOut: 403,
  UpstreamUnreachable: 502,
  TooManyOpenFiles: 503,
  InternalFailure: 500,
};

/** Codes that are the client's fault (AWS "Sender"), as opposed to the service's ("Receiver"). */
export function isSenderFault(code: GatewayErrorCode): boolean {
  return STATUS[code] < 500;
}

export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = STATUS[code];
  }
}
