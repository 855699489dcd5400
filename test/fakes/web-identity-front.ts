import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ParsedAuthorization } from './auth-header';
import { protocolFor } from './aws-errors';
import { MAX_BUFFERED_BODY, readBody, sendStubResponse, stubRequestOf } from './proxy';
import { refuse, type Refusal } from './refusal';
import type { ReceivedCall } from './types';
import type { FakeWebIdentitySts, IssuedSession } from './web-identity-sts';

/** Whether an unsigned request is OIDC mode's token exchange rather than a missing signature. */
export function isUnsignedStsCall(req: IncomingMessage, call: ReceivedCall): boolean {
  return req.headers.authorization === undefined && !call.path.includes('X-Amz-');
}

/** AssumeRoleWithWebIdentity is the one call AWS takes unsigned; anything else unsigned is refused. */
export async function answerUnsignedSts(
  req: IncomingMessage,
  res: ServerResponse,
  call: ReceivedCall,
  sts: FakeWebIdentitySts,
  expectContinue: boolean,
): Promise<void> {
  if (expectContinue) res.writeContinue();
  const body = await readBody(req, MAX_BUFFERED_BODY);
  // Unsigned: no credential scope names a region.
  const answer = await sts.unsigned(stubRequestOf(req, call, body, ''));
  if (answer) {
    call.service = 'sts';
    call.operation = 'AssumeRoleWithWebIdentity';
    call.verified = 'ok';
    call.backendReached = true;
    sendStubResponse(req, res, call, answer);
    return;
  }
  refuse(
    req,
    res,
    call,
    protocolFor('unknown', req.headers['content-type']),
    { kind: 'missing-auth', reason: 'unsigned' },
    false,
  );
}

/** A session key STS issued counts only with its own token, signed, and until it expires. */
export function sessionRefusal(
  session: IssuedSession,
  req: IncomingMessage,
  auth: ParsedAuthorization,
): Refusal | undefined {
  const token = req.headers['x-amz-security-token'];
  if (token !== session.sessionToken || !auth.signedHeaders.includes('x-amz-security-token')) {
    return { kind: 'unknown-key', reason: 'session token missing, unsigned or wrong' };
  }
  if (session.expiration.getTime() <= Date.now()) {
    return { kind: 'expired', reason: 'the session credentials expired' };
  }
  return undefined;
}
