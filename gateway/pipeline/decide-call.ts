import type { EventBody } from '../journal/events';
import type { TaskInfo } from '../protocol';
import type { CallContext, Decision } from './call-context';
import { requestLineOf } from './decide-unknown';
import { holdForApproval } from './hold-for-approval';
import type { PipelineDeps } from './pipeline-deps';
import { callRequestEvent, recordOrRefuse } from './record-call';

function decisionEvent(ctx: CallContext, d: Decision): EventBody {
  return { type: 'call.decision', data: { callId: ctx.callId, ...d } };
}

/**
 * decide → (ask) → journal: decides an identified call by the workspace policy and its task's
 * scope, holds it for a human when the decision is "ask", and makes the request and its final
 * decision durable before anything is forwarded (fail closed). Sets `ctx.decision`.
 */
export async function decideCall(ctx: CallContext, deps: PipelineDeps, task: TaskInfo): Promise<Decision> {
  const identified = ctx.identified;
  const mapping = ctx.mapping;
  if (!identified || !mapping) throw new Error('decide before identify');
  const verdict = deps.decider.decide({
    task,
    identified,
    mapping,
    sourceIp: ctx.req.socket.remoteAddress,
    now: new Date(),
    request: requestLineOf(ctx),
  });

  let decision: Decision;
  if (verdict.decision !== 'ask') {
    decision = verdict;
  } else {
    const grant = deps.approvals.grantFor(task.taskId, verdict.pairs);
    if (grant) {
      decision = {
        decision: 'allow',
        reason: `approved for the rest of the task by ${grant.decidedBy}: ${verdict.action} on ${grant.resources.join(', ')} (rule: ${verdict.rule.id}; approval ${grant.approvalId})`,
        rule: verdict.rule.id,
        approvalId: grant.approvalId,
      };
    } else {
      // The request is on record before anyone is asked about it.
      await recordOrRefuse(deps, task.taskId, [callRequestEvent(ctx)]);
      decision = await holdForApproval(ctx, deps, task, verdict);
      ctx.decision = decision;
      await recordOrRefuse(deps, task.taskId, [decisionEvent(ctx, decision)]);
      return decision;
    }
  }
  ctx.decision = decision;
  await recordOrRefuse(deps, task.taskId, [callRequestEvent(ctx), decisionEvent(ctx, decision)]);
  return decision;
}
