import type { CallSummary } from '../protocol';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';

/** Tells live views (`GET /events`) about a finished call of a task; calls without a task are not shown. */
export function publishCall(ctx: CallContext, deps: PipelineDeps): void {
  const task = ctx.task;
  if (!task || deps.events.size === 0) return;
  const reqs = ctx.mapping?.requirements ?? [];
  const status = ctx.res.headersSent ? ctx.res.statusCode : undefined;
  const call: CallSummary = {
    callId: ctx.callId,
    taskId: task.taskId,
    at: new Date().toISOString(),
    service: ctx.identified?.service ?? 'unknown',
    operation: ctx.identified?.operation,
    actions: reqs.map((r) => r.action),
    resources: [...new Set(reqs.flatMap((r) => r.resources))],
    decision: ctx.decision?.decision ?? 'deny',
    status,
    errorCode: ctx.decision?.decision === 'deny' ? 'AccessDenied' : undefined,
  };
  deps.events.publish({ type: 'call.recorded', call });
}
