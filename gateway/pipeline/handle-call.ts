import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mapToIam } from '../aws/iam-map';
import { identify } from '../aws/identify';
import type { AwsProtocol } from '../aws/types';
import { GatewayError } from '../errors/gateway-error';
import { renderAwsError } from '../errors/render-aws-error';
import type { CallContext } from './call-context';
import { authenticate } from './authenticate';
import { guessProtocol } from './guess-protocol';
import { readVerifiedBody } from './read-body';
import { toRequestView } from './request-view';
import type { PipelineDeps } from './pipeline-deps';
import { forwardCall } from './forward-call';
import { errorEvent, localResponseEvent } from './record-call';
import { decideCall } from './decide-call';
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
    expectContinue: /100-continue/i.test(req.headers.expect ?? ''),
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
    const secret = authenticate(ctx, deps.tasks);
    await readVerifiedBody(ctx, secret, deps.bodyBudget);

    const identified = identify(toRequestView(ctx, ctx.realHost));
    ctx.account = await deps.account.forCall();
    const mapping = mapToIam(identified, { accountId: ctx.account.id });
    ctx.identified = identified;
    ctx.mapping = mapping;
    const task = ctx.task;
    if (!task) throw new GatewayError('InternalFailure', 'no task after authentication');
    // Decide, hold for a human if asked, and journal request + decision (fail closed).
    const decision = await decideCall(ctx, deps, task);
    if (decision.decision === 'deny') throw new GatewayError('AccessDenied', decision.reason);

    await forwardCall(ctx, deps);
  } catch (e) {
    await answerWithError(ctx, deps, e);
  } finally {
    ctx.bodyLease?.release();
  }
  publishCall(ctx, deps);
}

async function answerWithError(ctx: CallContext, deps: PipelineDeps, e: unknown): Promise<void> {
  const err =
    e instanceof GatewayError
      ? e
      : new GatewayError('InternalFailure', 'Airlock hit an internal error; see the gateway log.');
  if (!(e instanceof GatewayError)) {
    deps.log.log('error', 'internal error in call pipeline', {
      callId: ctx.callId,
      error: e instanceof Error ? e.stack : String(e),
    });
  }
  const protocol: AwsProtocol | 'unknown' = ctx.identified?.protocol ?? guessProtocol(ctx);
  const rendered = renderAwsError(err, protocol, ctx.callId);
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
  const task = ctx.task;
  const events =
    ctx.decision && task
      ? [localResponseEvent(ctx, rendered.status, err.code)]
      : [errorEvent(ctx, err.code, err.message)];
  await deps.journal
    .record(task?.taskId ?? '_gateway', events)
    .catch((re: unknown) =>
      deps.log.log('error', 'could not record a refused call', { callId: ctx.callId, error: String(re) }),
    );
}
