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

function readRisk(v: unknown): ApprovalTrail['risk'] {
  const f = fieldsOf(v);
  const level = readString(f, 'level');
  if (!level) return undefined;
  const reasons = Array.isArray(f.reasons) ? f.reasons.filter((x): x is string => typeof x === 'string') : [];
  return { level, reasons };
}

function readFacts(v: unknown): ApprovalTrail['facts'] {
  if (!Array.isArray(v)) return undefined;
  const out: NonNullable<ApprovalTrail['facts']> = [];
  for (const x of v) {
    const f = fieldsOf(x);
    const label = readString(f, 'label');
    const value = readString(f, 'value');
    if (!label || value === undefined) continue;
    const warning = readString(f, 'warning');
    out.push({
      label,
      value,
      ...(f.document === true ? { document: true } : {}),
      ...(warning ? { warning } : {}),
    });
  }
  return out;
}

function readGrant(v: unknown): string[] | undefined {
  const r = fieldsOf(v).resources;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : undefined;
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
      a.risk = readRisk(d.risk);
      a.facts = readFacts(d.facts);
      a.identity = readString(d, 'identity');
      a.caller = readString(d, 'caller');
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
      a.grant = readGrant(d.grant);
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
  // The journal is the record: a live update never takes back a decision it already holds.
  if (a.state === 'pending') a.state = info.state;
  a.risk ??= info.risk ? { level: info.risk.level, reasons: [...info.risk.reasons] } : undefined;
  a.facts ??= info.facts?.map((f) => ({ ...f }));
  a.identity ??= info.identity;
  a.caller ??= info.caller;
  if (info.grantable !== undefined) a.grantable = info.grantable;
  if (info.grant) a.grant = [...info.grant.resources];
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
