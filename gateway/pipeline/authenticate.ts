import { GatewayError } from '../errors/gateway-error';
import type { TaskRegistry } from '../tasks/task-registry';
import type { ChildSessions } from '../identity/child-sessions';
import { checkRequestTime, parseAuth, SigV4Error, verifySignature } from '../sigv4';
import type { CallContext } from './call-context';

/** Long-term (AKIA) and temporary (ASIA) AWS access key ids: an agent that found real credentials. */
const REAL_AWS_KEY = /^(?:AKIA|ASIA)[A-Z0-9]{12,124}$/;

/** S3 names an unknown key differently from every other service. */
function unknownKeyCode(service: string): 'InvalidAccessKeyId' | 'InvalidClientTokenId' {
  return service === 's3' ? 'InvalidAccessKeyId' : 'InvalidClientTokenId';
}

export function toGatewayError(e: SigV4Error): GatewayError {
  switch (e.code) {
    case 'PresignedUrlExpired':
      return new GatewayError('AccessDenied', `Request has expired: ${e.message}`);
    default:
      return new GatewayError(e.code, e.message);
  }
}

/**
 * Stage 1a: who is calling. Parses the SigV4 authorization, finds the task key it names and checks
 * the request time. The signature itself is checked once the payload hash is known (verify stage).
 */
/** Signature Version 2 (`AWSAccessKeyId=`/`Signature=` URLs, `Authorization: AWS key:sig`). */
function isSigV2(ctx: CallContext): boolean {
  const auth = ctx.req.headers.authorization;
  if (typeof auth === 'string' && /^AWS [^:\s]+:/.test(auth)) return true;
  const q = ctx.raw.rawUrl.indexOf('?');
  return (
    q >= 0 &&
    /(^|&)AWSAccessKeyId=/.test(ctx.raw.rawUrl.slice(q + 1)) &&
    /(^|&)Signature=/.test(ctx.raw.rawUrl.slice(q + 1))
  );
}

/** The session token the request carries (header, or a presigned URL's query). */
function securityToken(ctx: CallContext): string | undefined {
  const h = ctx.req.headers['x-amz-security-token'];
  if (typeof h === 'string') return h;
  const q = ctx.raw.rawUrl.indexOf('?');
  const m = q < 0 ? null : /(?:^|&)X-Amz-Security-Token=([^&]*)/i.exec(ctx.raw.rawUrl.slice(q + 1));
  try {
    return m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** A derived key for a role the agent assumed: its parent task answers for it, while both last. */
function authenticateChild(
  ctx: CallContext,
  tasks: TaskRegistry,
  children: ChildSessions,
  now: number,
): string | undefined {
  const auth = ctx.auth!;
  const c = children.lookup(auth.accessKeyId, now);
  if (c.kind === 'unknown') return undefined;
  const parent = tasks.get(c.child.parentTaskId);
  if (parent) ctx.task = parent;
  if (c.kind === 'expired' || parent?.state !== 'active')
    throw new GatewayError(
      'ExpiredToken',
      `The security token included in the request is expired: the role session ${c.child.roleSessionName ?? ''} you assumed through Airlock ` +
        (c.kind === 'expired' ? 'expired' : 'ended with its task') +
        '. Assume the role again (within an active task).',
    );
  if (securityToken(ctx) !== c.child.sessionToken)
    throw new GatewayError(
      unknownKeyCode(auth.scope.service),
      'The security token included in the request is invalid: send the session token Airlock returned with this role session.',
    );
  ctx.child = c.child;
  try {
    checkRequestTime(auth, new Date(now));
  } catch (e) {
    if (e instanceof SigV4Error) throw toGatewayError(e);
    throw e;
  }
  return c.secret;
}

export function authenticate(
  ctx: CallContext,
  tasks: TaskRegistry,
  now = Date.now(),
  children?: ChildSessions,
): string {
  if (isSigV2(ctx)) {
    throw new GatewayError(
      'InvalidRequest',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256. ' +
        'Airlock verifies Signature Version 4 only; for AWS CLI v1 presigned URLs run ' +
        '`aws configure set default.s3.signature_version s3v4`.',
    );
  }
  try {
    ctx.auth = parseAuth(ctx.raw);
  } catch (e) {
    if (e instanceof SigV4Error) throw toGatewayError(e);
    throw e;
  }
  const auth = ctx.auth;
  const found = tasks.lookupKey(auth.accessKeyId, now);
  if (found.kind === 'unknown' && children) {
    const secret = authenticateChild(ctx, tasks, children, now);
    if (secret !== undefined) return secret;
  }
  if (found.kind === 'unknown' && REAL_AWS_KEY.test(auth.accessKeyId)) {
    throw new GatewayError(
      unknownKeyCode(auth.scope.service),
      `Airlock refused this call: it is signed with real AWS credentials (access key ${auth.accessKeyId.slice(0, 8)}…), ` +
        'not with a task key. Real credentials never pass through Airlock: unset them (AWS_PROFILE, ~/.aws/credentials) ' +
        'and use the task key from `airlock task start` (AWS_ACCESS_KEY_ID in a task terminal).',
    );
  }
  if (found.kind === 'unknown') {
    throw new GatewayError(
      unknownKeyCode(auth.scope.service),
      'The security token included in the request is invalid: Airlock does not know this access key. ' +
        'Use the task key from `airlock task start` (or a task terminal of the Airlock extension).',
    );
  }
  if (found.kind === 'inactive') {
    ctx.task = found.task;
    throw new GatewayError(
      'ExpiredToken',
      `The security token included in the request is expired: Airlock task "${found.task.name}" is ${found.task.state}. ` +
        'Start a new task to get a fresh key.',
    );
  }
  ctx.task = found.task;
  try {
    checkRequestTime(auth, new Date(now));
  } catch (e) {
    if (e instanceof SigV4Error) throw toGatewayError(e);
    throw e;
  }
  return found.secret;
}

/** Stage 1b: the signature, over the raw request as received and the payload hash. */
export function verify(ctx: CallContext, secret: string, payloadHash: string): void {
  const auth = ctx.auth;
  if (!auth) throw new GatewayError('InternalFailure', 'verify before authenticate');
  if (!verifySignature(ctx.raw, auth, secret, payloadHash)) {
    throw new GatewayError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
}
