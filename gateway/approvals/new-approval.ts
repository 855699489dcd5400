import { randomBytes } from 'node:crypto';
import type { EventBody } from '../journal/events';
import type { ApprovalDecision, ApprovalInfo, DecisionClient, IdentityInfo } from '../protocol';
import type { ApprovalRequest } from './approval-types';
import { assessCall } from './assess-call';
import { type ParamsMasker, redactSecretFields, shrinkParams } from './redact-params';

/** A fresh pending approval for a held call; its parameters masked before anyone sees them. */
export function newApproval(
  req: ApprovalRequest,
  requestedMs: number,
  timeoutSeconds: number,
  maskParams: ParamsMasker = redactSecretFields,
): ApprovalInfo {
  const params = shrinkParams(
    maskParams({ service: req.service, operation: req.operation, params: req.params }),
  );
  const { risk, facts } = assessCall({ action: req.action, operation: req.operation, params });
  return {
    approvalId: `apr-${randomBytes(6).toString('hex')}`,
    taskId: req.task.taskId,
    taskName: req.task.name,
    identity: req.identity,
    callId: req.callId,
    service: req.service,
    operation: req.operation,
    action: req.action,
    resources: [...req.resources],
    summary: req.summary,
    params,
    rule: req.rule,
    requestedAt: new Date(requestedMs).toISOString(),
    expiresAt: new Date(requestedMs + timeoutSeconds * 1000).toISOString(),
    state: 'pending',
    attempts: 1,
    bodyBinding: req.bodyBinding,
    grantable: req.pairs.length > 0,
    risk,
    facts,
    ...(req.caller ? { caller: req.caller } : {}),
  };
}

/** The journal event that records an approval being asked for. */
export function requestedEvent(
  info: ApprovalInfo,
  rule: ApprovalRequest['rule'],
  timeoutSeconds: number,
): EventBody {
  return {
    type: 'approval.requested',
    data: {
      approvalId: info.approvalId,
      callId: info.callId,
      identity: info.identity,
      service: info.service,
      operation: info.operation,
      action: info.action,
      resources: info.resources,
      summary: info.summary,
      params: info.params,
      rule,
      expiresAt: info.expiresAt,
      timeoutSeconds,
      ...(info.bodyBinding ? { bodyBinding: info.bodyBinding } : {}),
      ...(info.risk ? { risk: info.risk } : {}),
      ...(info.facts && info.facts.length > 0 ? { facts: info.facts } : {}),
      ...(info.caller ? { caller: info.caller } : {}),
    },
  };
}

/** The journal event that records a decision, and where it came from. */
export function decidedEvent(
  info: ApprovalInfo,
  d: {
    readonly decision: ApprovalDecision;
    readonly decidedBy: string;
    readonly reason?: string;
    readonly client?: DecisionClient;
    /** approve-for-task: the resource patterns granted. */
    readonly grant?: readonly string[];
    readonly decidedByIdentity?: IdentityInfo;
  },
  waitedMs: number,
): EventBody {
  return {
    type: 'approval.decided',
    data: {
      approvalId: info.approvalId,
      decision: d.decision,
      decidedBy: d.decidedBy,
      ...(d.client ? { client: d.client } : {}),
      ...(d.grant ? { grant: { resources: d.grant } } : {}),
      ...(d.decidedByIdentity ? { decidedByIdentity: d.decidedByIdentity } : {}),
      reason: d.reason,
      waitedMs,
      attempts: info.attempts,
    },
  };
}

/** The journal event that records nobody deciding in time. */
export function expiredEvent(info: ApprovalInfo, timeoutSeconds: number, waitedMs: number): EventBody {
  return {
    type: 'approval.expired',
    data: { approvalId: info.approvalId, timeoutSeconds, waitedMs, attempts: info.attempts },
  };
}
