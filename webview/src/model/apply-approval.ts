/** How approval events (journal) and approval updates (live, from the host) change a call. */
import type { ApprovalInfo, WireEvent } from '../protocol';
import type { ApprovalState, ApprovalTrail, CallRecord } from './call-record';
import { fieldsOf, readNumber, readString, type Fields } from './read-fields';

function trail(r: CallRecord, approvalId: string): ApprovalTrail {
  if (!r.approval || r.approval.approvalId !== approvalId) r.approval = { approvalId, state: 'pending' };
  return r.approval;
}

/** `airlock-cli approve pid=… (process 4242: node …)` from a recorded or live DecisionClient. */
function clientLine(c: Fields): string | undefined {
  const declared = readString(c, 'declared');
  if (!declared) return undefined;
  const p = fieldsOf(c.process);
  const pid = readNumber(p, 'pid');
  return pid === undefined ? declared : `${declared} (process ${pid}: ${readString(p, 'command') ?? '?'})`;
}

function stateOfDecision(decision: string | undefined): ApprovalState {
  return decision === 'deny' ? 'denied' : 'approved';
}

export function applyApprovalEvent(r: CallRecord, e: WireEvent, d: Fields): CallRecord {
  const a = trail(r, readString(d, 'approvalId') ?? '');
  switch (e.type) {
    case 'approval.requested': {
      a.requestedAt = e.ts;
      a.summary = readString(d, 'summary');
      const rule = fieldsOf(d.rule);
      const id = readString(rule, 'id');
      if (id) a.rule = { id, reason: readString(rule, 'reason') ?? '' };
      a.expiresAt = readString(d, 'expiresAt');
      a.timeoutSeconds = readNumber(d, 'timeoutSeconds');
      break;
    }
    case 'approval.decided':
      a.decision = readString(d, 'decision');
      a.state = stateOfDecision(a.decision);
      a.decidedBy = readString(d, 'decidedBy');
      a.decidedVia = clientLine(fieldsOf(d.client));
      a.decidedAt = e.ts;
      a.reason = readString(d, 'reason');
      a.waitedMs = readNumber(d, 'waitedMs') ?? a.waitedMs;
      a.attempts = readNumber(d, 'attempts') ?? a.attempts;
      break;
    case 'approval.expired':
      a.state = 'expired';
      a.decidedAt = e.ts;
      a.waitedMs = readNumber(d, 'waitedMs') ?? a.waitedMs;
      a.attempts = readNumber(d, 'attempts') ?? a.attempts;
      break;
    default:
      break;
  }
  return r;
}

export function applyApprovalInfo(r: CallRecord, info: ApprovalInfo): void {
  const a = trail(r, info.approvalId);
  a.state = info.state;
  a.requestedAt ??= info.requestedAt;
  a.summary ??= info.summary;
  a.rule ??= info.rule ? { id: info.rule.id, reason: info.rule.reason } : undefined;
  a.expiresAt ??= info.expiresAt;
  a.attempts = info.attempts;
  if (info.decision) a.decision = info.decision;
  if (info.decidedBy) a.decidedBy = info.decidedBy;
  if (info.decidedVia) a.decidedVia = clientLine(fieldsOf(info.decidedVia));
  if (info.decidedAt) a.decidedAt = info.decidedAt;
  if (info.reason) a.reason = info.reason;
  if (a.waitedMs === undefined && info.decidedAt) {
    const waited = Date.parse(info.decidedAt) - Date.parse(info.requestedAt);
    if (Number.isFinite(waited)) a.waitedMs = waited;
  }
}
