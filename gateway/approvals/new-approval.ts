import { randomBytes } from 'node:crypto';
import type { EventBody } from '../journal/events';
import type { ApprovalInfo } from '../protocol';
import type { ApprovalRequest } from './approval-types';
import { type ParamsMasker, redactSecretFields, shrinkParams } from './redact-params';

/** A fresh pending approval for a held call; its parameters masked before anyone sees them. */
export function newApproval(
  req: ApprovalRequest,
  requestedMs: number,
  timeoutSeconds: number,
  maskParams: ParamsMasker = redactSecretFields,
): ApprovalInfo {
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
    params: shrinkParams(maskParams({ service: req.service, operation: req.operation, params: req.params })),
    rule: req.rule,
    requestedAt: new Date(requestedMs).toISOString(),
    expiresAt: new Date(requestedMs + timeoutSeconds * 1000).toISOString(),
    state: 'pending',
    attempts: 1,
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
    },
  };
}
