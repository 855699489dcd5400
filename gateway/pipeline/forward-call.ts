import { GatewayError } from '../errors/gateway-error';
import { resolveTarget, upstreamPath } from '../upstream/upstream-target';
import { forward } from '../upstream/forward';
import { forwardableHeaders, stripPresignParams } from '../upstream/resign';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';
import { elapsedMs } from './record-call';
import { splitUrl } from './request-view';

/** Re-signs the call with the real credentials, forwards it, streams the answer back, records it. */
export async function forwardCall(ctx: CallContext, deps: PipelineDeps): Promise<void> {
  const id = ctx.identified;
  const auth = ctx.auth;
  const task = ctx.task;
  if (!id || !auth || !task) throw new GatewayError('InternalFailure', 'forward before identify');
  const target = resolveTarget(id, deps.upstream, ctx.realHost);
  const { path, rawQuery } = splitUrl(ctx.raw.rawUrl);
  const query = stripPresignParams(rawQuery);
  const outPath = upstreamPath(target, path);
  const headers = forwardableHeaders(ctx.raw.rawHeaders);
  if (ctx.body) headers['content-length'] = String(ctx.body.length);
  const signed = await deps.resigner.sign(
    { method: ctx.raw.method, path: outPath, rawQuery: query, headers },
    target,
    { service: auth.scope.service, region: auth.scope.region },
    ctx.body,
  );
  // Only now, with the call decided and journaled, may an upload's body start flowing.
  if (ctx.expectContinue && ctx.streamBody) ctx.res.writeContinue();
  const result = await forward({
    target,
    method: ctx.raw.method,
    pathAndQuery: query ? `${outPath}?${query}` : outPath,
    headers: signed,
    body: ctx.body ?? (ctx.streamBody ? ctx.req : undefined),
    res: ctx.res,
    ca: deps.upstreamCa,
    agent: deps.upstreamAgent?.(target),
  });
  const upstreamMs = elapsedMs(result.upstreamStartedAt, result.upstreamEndedAt);
  await deps.journal
    .record(task.taskId, [
      {
        type: 'call.response',
        data: {
          callId: ctx.callId,
          status: result.status,
          awsRequestId: result.awsRequestId,
          errorCode: result.errorCode,
          responseBytes: result.responseBytes,
          upstreamMs,
          gatewayMs: Math.max(0, elapsedMs(ctx.arrivedAt) - upstreamMs),
          local: false,
          aborted: result.aborted || undefined,
        },
      },
    ])
    .catch((e: unknown) =>
      deps.log.log('error', 'could not record a response', { callId: ctx.callId, error: String(e) }),
    );
}
