import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mapToIam } from '../aws/iam-map';
import { identify } from '../aws/identify';
import { ambiguityOf } from '../aws/identify-ambiguity';
import type { AwsProtocol, Identified, RequestView } from '../aws/types';
import { GatewayError } from '../errors/gateway-error';
import { renderAwsError } from '../errors/render-aws-error';
import type { CallContext } from './call-context';
import { authenticate, verify } from './authenticate';
import { guessProtocol } from './guess-protocol';
import { readBody } from './read-body';
import { toRequestView } from './request-view';
import type { PipelineDeps } from './pipeline-deps';
import { forwardCall } from './forward-call';
import { errorEvent, localResponseEvent } from './record-call';
import { decideCall } from './decide-call';
import { publishCall } from './publish-call';

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
    const payloadHash = await readBody(ctx);
    verify(ctx, secret, payloadHash);

    const view = toRequestView(ctx, ctx.realHost);
    const identified = identify(view);
    ctx.identified = identified;
    refuseAmbiguous(view, identified);
    const mapping = mapToIam(identified, { accountId: deps.accountId() });
    ctx.mapping = mapping;
    const task = ctx.task;
    if (!task) throw new GatewayError('InternalFailure', 'no task after authentication');
    // Decide, hold for a human if asked, and journal request + decision (fail closed).
    const decision = await decideCall(ctx, deps, task);
    if (decision.decision === 'deny') throw new GatewayError('AccessDenied', decision.reason);

    await forwardCall(ctx, deps);
  } catch (e) {
    await answerWithError(ctx, deps, e);
  }
  publishCall(ctx, deps);
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
    // An unread body (denied upload, early refusal) must not be left on a reused connection.
    const bodyUnread = !ctx.req.complete;
    res.writeHead(rendered.status, {
      ...rendered.headers,
      'content-length': Buffer.byteLength(rendered.body),
      ...(bodyUnread ? { connection: 'close' } : {}),
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
