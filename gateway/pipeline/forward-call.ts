import { GatewayError } from '../errors/gateway-error';
import { resolveTarget, upstreamPath } from '../upstream/upstream-target';
import { forward } from '../upstream/forward';
import { forwardableHeaders, stripPresignParams } from '../upstream/resign';
import { deliverResponse } from '../recording/deliver-response';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';
import { splitUrl } from './request-view';

/**
 * Re-signs the call with the real credentials, forwards it, and hands the answer to the recording
 * delivery: masked, recorded durably, and only then (or, for object bodies, its last bytes) sent.
 */
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
  const maskCall = {
    service: id.service,
    operation: id.operation,
    actions: ctx.mapping?.requirements.map((r) => r.action) ?? [],
  };
  const result = await forward({
    target,
    method: ctx.raw.method,
    pathAndQuery: query ? `${outPath}?${query}` : outPath,
    headers: signed,
    body: ctx.body ?? (ctx.streamBody ? ctx.req : undefined),
    res: ctx.res,
    ca: deps.upstreamCa,
    agent: deps.upstreamAgent?.(target),
    respond: (up, upstreamStartedAt) =>
      deliverResponse({
        up,
        res: ctx.res,
        upstreamStartedAt,
        callId: ctx.callId,
        service: id.service,
        operation: id.operation,
        protocol: id.protocol,
        method: ctx.raw.method,
        arrivedAt: ctx.arrivedAt,
        plan: deps.masking.plan(maskCall, 'response'),
        placeholders: deps.masking.placeholders(task.taskId),
        record: async (data) => {
          try {
            await deps.journal.record(task.taskId, [{ type: 'call.response', data }]);
          } catch (e) {
            deps.log.log('error', 'could not record a response; withholding it', {
              callId: ctx.callId,
              error: String(e),
            });
            throw e;
          }
        },
      }),
  });
  if (result.aborted) deps.log.log('debug', 'agent went away mid-response', { callId: ctx.callId });
}
