import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorization } from './auth-header';
import { failureCode, renderAwsError, signatureEcho, type FailureKind, type Protocol } from './aws-errors';
import { sendStubResponse } from './proxy';
import type { ReceivedCall } from './types';

/** Why the front turned a request away; a bad signature carries what the front computed. */
export interface Refusal {
  kind: FailureKind;
  reason: string;
  canonicalRequest?: string;
  stringToSign?: string;
}

const FAILURE_MESSAGES: Record<FailureKind, string> = {
  'missing-auth': 'Request is missing Authentication Token',
  incomplete: 'The authorization header is malformed',
  'unknown-key': 'The AWS Access Key Id you provided does not exist in our records.',
  'bad-signature':
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  expired: 'Signature expired or request time too skewed',
  'unsigned-headers': 'There were headers present in the request which were not signed',
};

function statusFor(kind: FailureKind, protocol: Protocol): number {
  return kind === 'incomplete' && protocol === 's3' ? 400 : 403;
}

/** Answers a refused request as AWS would, in the protocol's error shape, and records why. */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  call: ReceivedCall,
  protocol: Protocol,
  failure: Refusal,
  bodyUnread: boolean,
): void {
  const code = failureCode(failure.kind, protocol);
  call.verified = 'failed';
  call.code = code;
  call.reason = failure.reason;
  if (failure.canonicalRequest !== undefined) call.canonicalRequest = failure.canonicalRequest;
  // Like AWS, a rejected signature is answered with what was signed (key id, signature, canonical request).
  const auth = parseAuthorization(req.headers.authorization);
  const echo =
    failure.kind === 'bad-signature' &&
    auth.ok &&
    failure.canonicalRequest !== undefined &&
    failure.stringToSign !== undefined
      ? signatureEcho(protocol, {
          accessKeyId: auth.auth.accessKeyId,
          signature: auth.auth.signature,
          canonicalRequest: failure.canonicalRequest,
          stringToSign: failure.stringToSign,
        })
      : {};
  const message = `${FAILURE_MESSAGES[failure.kind]} (fake AWS: ${failure.reason})${echo.messageTail ?? ''}`;
  const resp = renderAwsError(protocol, call.service, {
    status: statusFor(failure.kind, protocol),
    code,
    message,
    ...(echo.s3Extra !== undefined ? { s3Extra: echo.s3Extra } : {}),
  });
  sendStubResponse(req, res, call, resp, bodyUnread);
}
