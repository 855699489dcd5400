import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mapToIam } from '../aws/iam-map';
import { identify } from '../aws/identify';
import { withPayloadParams } from '../aws/payload-params';
import { ambiguityOf } from '../aws/identify-ambiguity';
import type { AwsProtocol, Identified, RequestView } from '../aws/types';
import { GatewayError } from '../errors/gateway-error';
import { isOutOfDescriptors, outOfDescriptorsError } from '../errors/out-of-descriptors';
import { renderAwsError } from '../errors/render-aws-error';
import type { CallContext } from './call-context';
import { authenticate } from './authenticate';
import { checkFraming } from './check-framing';
import { checkScopeRegion } from './check-region';
import { checkProxyCall } from '../proxy/check-proxy-call';
import { mapRequestQueueUrl } from '../sqs/queue-url-stage';
import { guessProtocol } from './guess-protocol';
import { readVerifiedBody } from './read-body';
import { toRequestView } from './request-view';
import type { PipelineDeps } from './pipeline-deps';
import { forwardCall } from './forward-call';
import { errorEvent, localResponseEvent } from './record-call';
import { decideCall } from './decide-call';
import { recordResponse } from './record-response';
import { publishCall } from './publish-call';
import { unreadBodyHeaders } from './unread-body';

function newContext(
  req: IncomingMessage,
  res: ServerResponse,
  arrival: 'endpoint' | 'proxy',
  realHost: string | undefined,
): CallContext {
  return {
    callId: randomUUID(),
    req,
    res,
    raw: { method: req.method ?? 'GET', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders },
    arrivedAt: process.hrtime.bigint(),
    arrival,
    ...(realHost !== undefined ? { realHost } : {}),
    expectContinue: /^\s*100-continue\s*$/i.test(req.headers.expect ?? ''),
    streamBody: false,
  };
}

/**
 * One agent call through the ordered stages of DESIGN.md section 1: authenticate, identify,
 * decide, journal, re-sign, forward, stream back, record. Any stage may throw a GatewayError;
 * it is rendered here, in the service's own error shape, and recorded.
 */
export async function handleCall(
  req: IncomingMessage,
  res: ServerResponse,
  deps: PipelineDeps,
  arrival: 'endpoint' | 'proxy' = 'endpoint',
  /** Proxy mode: the AWS host the client addressed (from CONNECT or the absolute URI). */
  realHost?: string,
): Promise<void> {
  const ctx = newContext(req, res, arrival, realHost);
  try {
    checkFraming(ctx);
    const secret = authenticate(ctx, deps.tasks, Date.now(), deps.children);
    checkScopeRegion(ctx);
    await readVerifiedBody(ctx, secret, deps.bodyBudget);

    const view = toRequestView(ctx, ctx.realHost);
    const asSent = identify(view);
    ctx.identified = asSent;
    // What AWS could read differently from the gateway is refused before anything else.
    refuseAmbiguous(view, asSent);
    // SQS queue URLs the gateway handed out name the real queue again before anything is decided;
    // S3 DeleteObjects is decided on the keys its (buffered) body names.
    const identified = withPayloadParams(mapRequestQueueUrl(ctx, asSent, deps.queueUrls), view);
    ctx.identified = identified;
    ctx.account = await deps.account.forCall();
    const mapping = mapToIam(identified, { accountId: ctx.account.id });
    ctx.mapping = mapping;
    // Proxy mode: only the identified service's own endpoint gets a call re-signed with the real key.
    checkProxyCall(ctx);
    const task = ctx.task;
    if (!task) throw new GatewayError('InternalFailure', 'no task after authentication');
    // Decide, hold for a human if asked, and journal request + decision (fail closed).
    const decision = await decideCall(ctx, deps, task);
    if (decision.decision === 'deny') throw new GatewayError('AccessDenied', decision.reason);

    await forwardCall(ctx, deps);
  } catch (e) {
    // An approval that let this call through must not wait for an outcome that never comes
    // (forwardCall reports its own; this covers a refusal between the decision and forwarding).
    const approvalId = ctx.decision?.approvalId;
    if (approvalId !== undefined)
      deps.approvals.attemptFinished(approvalId, ctx.callId, { kind: 'not-forwarded' });
    await answerWithError(ctx, deps, e);
  } finally {
    ctx.bodyLease?.release();
  }
  // Live views read the journal when told: only once the answer's record is there to read.
  if (ctx.responseDurable) void ctx.responseDurable.then(() => publishCall(ctx, deps));
  else publishCall(ctx, deps);
}

/**
 * What AWS and the gateway could read differently is refused before it is decided: a decision on
 * one reading would not hold for the other.
 */
function refuseAmbiguous(view: RequestView, identified: Identified): void {
  const why = ambiguityOf(view, identified);
  if (why === undefined) return;
  throw new GatewayError(
    'InvalidRequest',
    `Airlock refused this request because ${why}: AWS could read it differently from how Airlock would decide it, so it was not sent. Send the request as an AWS SDK or CLI builds it (each member once, paths without ".", ".." or empty segments).`,
  );
}

async function answerWithError(ctx: CallContext, deps: PipelineDeps, e: unknown): Promise<void> {
  const err =
    e instanceof GatewayError
      ? e
      : isOutOfDescriptors(e)
        ? outOfDescriptorsError()
        : new GatewayError('InternalFailure', 'Airlock hit an internal error; see the gateway log.');
  if (!(e instanceof GatewayError) && !isOutOfDescriptors(e)) {
    deps.log.log('error', 'internal error in call pipeline', {
      callId: ctx.callId,
      error: e instanceof Error ? e.stack : String(e),
    });
  }
  const protocol: AwsProtocol | 'unknown' = ctx.identified?.protocol ?? guessProtocol(ctx);
  const rendered = renderAwsError(err, protocol, ctx.callId);
  const task = ctx.task;
  // A decided call's answer is recorded as any answer is (record-response.ts: its durability
  // point was its request and decision); a refusal before any decision is the call's only record,
  // durable before the agent hears of it. A journal that cannot take either does not keep the
  // agent waiting: the refusal still goes out.
  const recorded =
    ctx.decision && task
      ? recordResponse(ctx, deps, task.taskId, localResponseEvent(ctx, rendered.status, err.code))
      : deps.journal.record(task?.taskId ?? '_gateway', [errorEvent(ctx, err.code, err.message)]);
  await recorded.catch((re: unknown) =>
    deps.log.log('error', 'could not record a refused call', { callId: ctx.callId, error: String(re) }),
  );
  const res = ctx.res;
  if (!res.headersSent && !res.destroyed) {
    // An unread body (denied upload, early refusal) is never left to frame a next request.
    res.writeHead(rendered.status, {
      ...rendered.headers,
      'content-length': Buffer.byteLength(rendered.body),
      ...unreadBodyHeaders(ctx),
    });
    res.end(rendered.body);
  } else if (!res.destroyed) {
    res.destroy();
  }
}
