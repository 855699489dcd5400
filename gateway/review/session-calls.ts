/**
 * A task's verified journal events (a local journal or an opened bundle) gathered per call: what
 * was asked for, how it was decided and by whom, what came back. Everything a review, a policy
 * suggestion and a what-if read comes from here, so a bundle and the journal it was exported
 * from give the same answers.
 */
import type {
  ApprovalDecidedData,
  ApprovalRequestedData,
  CallDecisionData,
  CallErrorData,
  CallRequestData,
  CallResponseData,
  JournalEvent,
  TaskStartedData,
} from '../journal/events';

/** How the gateway first judged a call: let through, refused, or held for a human. */
export type Verdict = 'allow' | 'deny' | 'ask';
/** Where the call ended up: forwarded, refused, or no decision on record (still held, or cut). */
export type Outcome = 'allowed' | 'denied' | 'undecided';

export interface RecordedApproval {
  readonly requested: ApprovalRequestedData;
  readonly requestedAt: string;
  readonly decided?: ApprovalDecidedData;
  readonly expired?: boolean;
  /** When it was decided or expired. */
  readonly endedAt?: string;
}

export interface RecordedCall {
  readonly callId: string;
  /** When the request was recorded. */
  readonly ts: string;
  readonly request: CallRequestData;
  readonly decision?: CallDecisionData;
  readonly decisionTs?: string;
  readonly response?: CallResponseData;
  /** The approval this call raised or rode on. */
  readonly approval?: RecordedApproval;
  readonly verdict: Verdict;
  readonly outcome: Outcome;
}

export interface RecordedTask {
  readonly taskId: string;
  readonly name?: string;
  readonly startedBy?: string;
  readonly agent?: string;
  readonly workspace?: string;
  readonly accessKeyId?: string;
  readonly startedAt?: string;
  readonly expiresAt?: string;
  readonly endedAt?: string;
  readonly endReason?: 'ended' | 'expired';
  /** The scope the task started with; undefined when it had none. */
  readonly scope?: unknown;
}

export interface SessionCalls {
  readonly task: RecordedTask;
  /** In request order. */
  readonly calls: readonly RecordedCall[];
  /** Requests the gateway refused before it could decide them (bad signature, ambiguous, ...). */
  readonly refused: readonly (CallErrorData & { readonly ts: string })[];
}

interface Building {
  callId: string;
  ts: string;
  request: CallRequestData;
  decision?: CallDecisionData;
  decisionTs?: string;
  response?: CallResponseData;
  approvalId?: string;
}

function taskFrom(
  taskId: string,
  started: TaskStartedData | undefined,
  ts: string | undefined,
): RecordedTask {
  if (!started) return { taskId };
  return {
    taskId,
    name: started.name,
    startedBy: started.startedBy,
    agent: started.agent,
    workspace: started.workspace,
    accessKeyId: started.accessKeyId,
    startedAt: ts,
    expiresAt: started.expiresAt,
    scope: started.scope,
  };
}

function judge(b: Building, approval: RecordedApproval | undefined): { verdict: Verdict; outcome: Outcome } {
  const d = b.decision;
  // Held calls, approve-for-task grants and retries riding an approve-once were all "ask" first.
  const asked = approval !== undefined || d?.approvalId !== undefined || d?.retryOf !== undefined;
  const outcome: Outcome = d === undefined ? 'undecided' : d.decision === 'allow' ? 'allowed' : 'denied';
  if (asked) return { verdict: 'ask', outcome };
  return { verdict: d?.decision ?? 'ask', outcome };
}

/** Gathers a task's events per call. Events must be one task's, in journal order. */
export function collectCalls(events: readonly JournalEvent[], taskIdHint?: string): SessionCalls {
  const byId = new Map<string, Building>();
  const order: Building[] = [];
  const approvals = new Map<string, RecordedApproval>();
  const refused: (CallErrorData & { ts: string })[] = [];
  let started: TaskStartedData | undefined;
  let startedTs: string | undefined;
  let ended: { ts: string; reason: 'ended' | 'expired' } | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'task.started':
        started = e.data;
        startedTs = e.ts;
        break;
      case 'task.ended':
        ended = { ts: e.ts, reason: e.data.reason };
        break;
      case 'call.request': {
        // A held call's request is journaled before its decision and not again with it.
        if (byId.has(e.data.callId)) break;
        const b: Building = { callId: e.data.callId, ts: e.ts, request: e.data };
        byId.set(b.callId, b);
        order.push(b);
        break;
      }
      case 'call.decision': {
        const b = byId.get(e.data.callId);
        if (b) {
          b.decision = e.data;
          b.decisionTs = e.ts;
        }
        break;
      }
      case 'call.response': {
        const b = byId.get(e.data.callId);
        if (b) b.response = e.data;
        break;
      }
      case 'call.error':
        refused.push({ ...e.data, ts: e.ts });
        break;
      case 'approval.requested': {
        approvals.set(e.data.approvalId, { requested: e.data, requestedAt: e.ts });
        const b = byId.get(e.data.callId);
        if (b) b.approvalId = e.data.approvalId;
        break;
      }
      case 'approval.decided': {
        const a = approvals.get(e.data.approvalId);
        if (a) approvals.set(e.data.approvalId, { ...a, decided: e.data, endedAt: e.ts });
        break;
      }
      case 'approval.expired': {
        const a = approvals.get(e.data.approvalId);
        if (a) approvals.set(e.data.approvalId, { ...a, expired: true, endedAt: e.ts });
        break;
      }
    }
  }
  const taskId = started?.taskId ?? events[0]?.task ?? taskIdHint ?? '';
  const base = taskFrom(taskId, started, startedTs);
  const task: RecordedTask = ended ? { ...base, endedAt: ended.ts, endReason: ended.reason } : base;
  const calls = order.map((b): RecordedCall => {
    const id = b.approvalId ?? b.decision?.approvalId;
    const approval = id === undefined ? undefined : approvals.get(id);
    return {
      callId: b.callId,
      ts: b.ts,
      request: b.request,
      decision: b.decision,
      decisionTs: b.decisionTs,
      response: b.response,
      approval,
      ...judge(b, approval),
    };
  });
  return { task, calls, refused };
}

/** Every (action, resource) pair a recorded call needed; `*` for actions naming no resource. */
export function pairsOf(call: RecordedCall): { action: string; resource: string }[] {
  const out: { action: string; resource: string }[] = [];
  for (const a of call.request.actions) {
    if (a.resources.length === 0) out.push({ action: a.action, resource: '*' });
    else for (const resource of a.resources) out.push({ action: a.action, resource });
  }
  return out;
}
