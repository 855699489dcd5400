import type { AttemptOutcome } from '../approvals/retry-rides';
import { GatewayError } from '../errors/gateway-error';
import { resolveTarget, upstreamPath } from '../upstream/upstream-target';
import { forward, type ForwardResult } from '../upstream/forward';
import { forwardableHeaders, stripPresignParams } from '../upstream/resign';
import { deliverResponse } from '../recording/deliver-response';
import { queueUrlRewriter } from '../sqs/queue-url-stage';
import { resigningSecrets, scrubSignatureEcho } from '../upstream/scrub-signature-echo';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';
import { assumedRoleRewriter } from './assumed-role-stage';
import { recordResponse } from './record-response';
import { splitUrl } from './request-view';

/**
 * Re-signs the call with the real credentials, forwards it, and hands the answer to the recording
 * delivery: masked, recorded (durably first with --sync-responses; else queued in the next group
 * commit: record-response.ts), and only then (or, for object bodies, its last bytes) sent.
 * A call an approval let through reports what AWS made of it: a retry of an approved call that
 * AWS failed may ride on the same approval (approvals/retry-rides.ts).
 */
export async function forwardCall(ctx: CallContext, deps: PipelineDeps): Promise<void> {
  const approvalId = ctx.decision?.approvalId;
  if (approvalId === undefined) {
    await forwardAndDeliver(ctx, deps, () => undefined);
    return;
  }
  let status: number | undefined;
  let outcome: AttemptOutcome = { kind: 'not-forwarded' };
  try {
    const result = await forwardAndDeliver(ctx, deps, (s) => (status = s));
    outcome = { kind: 'answered', status: result.status, errorCode: result.errorCode };
  } catch (e) {
    // What AWS answered decides, not what the agent got (a failed recording is the gateway's).
    if (status !== undefined) outcome = { kind: 'answered', status };
    else if (e instanceof GatewayError && e.code === 'UpstreamUnreachable') outcome = { kind: 'unreachable' };
    throw e;
  } finally {
    deps.approvals.attemptFinished(approvalId, ctx.callId, outcome);
  }
}

async function forwardAndDeliver(
  ctx: CallContext,
  deps: PipelineDeps,
  upstreamStatus: (status: number) => void,
): Promise<ForwardResult> {
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
  // The agent's payload hash was for the body it sent; the signer hashes the one we send.
  if (ctx.bodyRewritten) delete headers['x-amz-content-sha256'];
  const signed = await deps.resigner.sign(
    { method: ctx.raw.method, path: outPath, rawQuery: query, headers },
    target,
    { service: auth.scope.service, region: auth.scope.region },
    ctx.body,
    undefined,
    // A role the agent assumed: AWS's credentials for it. OIDC mode: the task's own STS session,
    // so AWS itself holds the call to the task scope.
    ctx.child?.credentials ?? (deps.taskCredentials ? await deps.taskCredentials(task) : undefined),
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
    idleTimeoutMs: deps.upstreamTimeoutMs,
    respond: (up, upstreamStartedAt) => {
      upstreamStatus(up.statusCode ?? 502);
      return deliverResponse({
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
        rewriteForAgent: assumedRoleRewriter(ctx, id, deps) ?? queueUrlRewriter(ctx, id, deps.queueUrls),
        // AWS's SignatureDoesNotMatch echoes our re-signed request: real key id, signature, token.
        scrubError: (body) => scrubSignatureEcho(body, resigningSecrets(signed), auth.accessKeyId),
        record: (data) => recordResponse(ctx, deps, task.taskId, { type: 'call.response', data }),
      });
    },
  });
  if (result.aborted) deps.log.log('debug', 'agent went away mid-response', { callId: ctx.callId });
  return result;
}
