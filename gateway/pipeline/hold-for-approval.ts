import type { HoldOutcome } from '../approvals/approval-types';
import { requestKey } from '../approvals/request-key';
import { summarize } from '../approvals/summarize';
import { GatewayError } from '../errors/gateway-error';
import { recordingFailureAdvice } from '../errors/recording-failure';
import type { TaskInfo } from '../protocol';
import { sha256Hex } from '../sigv4';
import type { CallContext, Decision } from './call-context';
import type { AskVerdict } from './decide';
import { describeRequest, requestLineOf } from './decide-unknown';
import type { PipelineDeps } from './pipeline-deps';
import { elapsedMs } from './record-call';

/** `aws-cli/1.32.0 Python/3.11 …` → `aws-cli/1.32.0`: which program asks, not its whole stack. */
function callerOf(userAgent: string | undefined): { caller?: string } {
  const first = userAgent?.trim().split(/\s+/)[0]?.slice(0, 80);
  return first ? { caller: first } : {};
}

function describe(action: string, resource: string | undefined): string {
  return resource === undefined || resource === '*' ? action : `${action} on ${resource}`;
}

/** How the agent's call is decided once its approval is settled, with a reason it can act on. */
function toDecision(outcome: HoldOutcome, verdict: AskVerdict, waitedMs: number): Decision {
  const a = outcome.approval;
  const what = describe(verdict.action, verdict.resources[0]);
  const tail = `(rule: ${verdict.rule.id}; approval ${a.approvalId})`;
  const base = { rule: verdict.rule.id, approvalId: a.approvalId, waitedMs: Math.round(waitedMs) };
  switch (outcome.kind) {
    case 'approved': {
      const how =
        a.decision === 'approve-for-task'
          ? `for the rest of the task (${verdict.action} on ${a.grant?.resources.join(', ') ?? 'these resources'})`
          : 'once';
      const ride = outcome.ride;
      if (ride)
        return {
          ...base,
          decision: 'allow',
          reason: `approved once by ${a.decidedBy ?? 'someone'}; retry ${ride.retry} of call ${ride.callId}, which AWS failed (${ride.failure}) ${tail}`,
          retryOf: ride,
        };
      return { ...base, decision: 'allow', reason: `approved ${how} by ${a.decidedBy ?? 'someone'} ${tail}` };
    }
    case 'denied':
      return {
        ...base,
        decision: 'deny',
        reason: `Airlock denied ${what}: ${a.decidedBy ?? 'a person'} denied the approval${a.reason ? `: ${a.reason}` : ''} ${tail}`,
      };
    case 'expired':
      return {
        ...base,
        decision: 'deny',
        reason: `Airlock denied ${what}: approval timed out after ${outcome.timeoutSeconds} s; nobody decided in time. Retry the call to ask again ${tail}`,
      };
    case 'superseded':
      return {
        ...base,
        decision: 'deny',
        reason: `Airlock denied ${what}: the approval let another attempt of this same call through; an approval covers one call ${tail}`,
      };
    case 'abandoned':
      return {
        ...base,
        decision: 'deny',
        reason: `Airlock denied ${what}: the client went away while the call waited for approval ${tail}`,
      };
  }
}

/**
 * The ask stage: holds the call until a human decides its approval. Runs after the call is
 * authenticated, identified and its request journaled, and before anything is forwarded; an
 * upload sent with `Expect: 100-continue` has not sent its body yet (the forward stage says go).
 * The client's retries attach to the same approval (request-key.ts); if the client gives up,
 * the approval stays pending for them.
 */
export async function holdForApproval(
  ctx: CallContext,
  deps: PipelineDeps,
  task: TaskInfo,
  verdict: AskVerdict,
): Promise<Decision> {
  const auth = ctx.auth;
  const identified = ctx.identified;
  if (!auth || !identified) throw new GatewayError('InternalFailure', 'hold before identify');
  const { key, body } = requestKey({
    taskId: task.taskId,
    method: ctx.raw.method,
    rawUrl: ctx.raw.rawUrl,
    rawHeaders: ctx.raw.rawHeaders,
    ...(ctx.realHost !== undefined ? { realHost: ctx.realHost } : {}),
    scope: { service: auth.scope.service, region: auth.scope.region },
    ...(ctx.body ? { bodySha256: sha256Hex(ctx.body) } : {}),
    streamed: ctx.streamBody,
  });
  const abort = new AbortController();
  const onClose = (): void => {
    if (!ctx.res.writableEnded) abort.abort();
  };
  ctx.res.once('close', onClose);
  if (ctx.res.destroyed || ctx.req.socket.destroyed) abort.abort();
  // The server drops connections idle for two minutes; a held call is waiting, not idle.
  const socket = ctx.req.socket;
  const idleTimeout = socket.timeout;
  socket.setTimeout(0);
  const started = process.hrtime.bigint();
  let outcome: HoldOutcome;
  try {
    outcome = await deps.approvals.hold(
      {
        key,
        bodyBinding: body,
        task,
        identity: task.agent ? `${task.startedBy} (agent ${task.agent})` : task.startedBy,
        callId: ctx.callId,
        service: identified.service,
        operation: identified.operation,
        action: verdict.action,
        resources: verdict.resources,
        pairs: verdict.pairs,
        summary: summarize({
          iamPrefix: identified.iamPrefix,
          operation: identified.operation,
          params: identified.params,
          action: verdict.action,
          resources: verdict.resources,
          ...(identified.operation === undefined ? { request: describeRequest(requestLineOf(ctx)) } : {}),
        }),
        params: identified.params,
        rule: verdict.rule,
        ...callerOf(ctx.req.headers['user-agent']),
      },
      abort.signal,
    );
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    deps.log.log('error', 'could not record an approval request; refusing the call', {
      callId: ctx.callId,
      error: String(e),
    });
    throw new GatewayError(
      'RecordingUnavailable',
      `Airlock could not record the approval this call needs, so it was not sent to AWS. ${recordingFailureAdvice(e)}`,
    );
  } finally {
    ctx.res.off('close', onClose);
    if (idleTimeout !== undefined && !socket.destroyed) socket.setTimeout(idleTimeout);
  }
  return toDecision(outcome, verdict, elapsedMs(started));
}
