import type { JournalEvent, RecordedMaskedField } from '../journal/events';
import type { BundleApproval, BundleMaskedField, BundleTask } from './format';

export interface TaskSummary {
  readonly task: BundleTask;
  readonly taskScope?: unknown;
  readonly approvals: BundleApproval[];
  readonly masked: BundleMaskedField[];
  readonly formatVersions: number[];
}

/** What a bundle's header says about its events: the task, its approvals, what was masked. */
export function summariseEvents(
  taskId: string,
  events: readonly JournalEvent[],
  allVersions: readonly number[] = [],
): TaskSummary {
  let task: BundleTask = { taskId };
  let taskScope: unknown;
  const approvals = new Map<string, BundleApproval>();
  const masked = new Map<
    string,
    { where: 'request' | 'response'; field: string; source: string; count: number }
  >();
  const versions = new Set<number>(allVersions);
  const addMasked = (list: readonly RecordedMaskedField[] | undefined): void => {
    for (const m of list ?? []) {
      const key = `${m.where}\n${m.field}\n${m.source}`;
      const slot = masked.get(key);
      if (slot) slot.count += m.count;
      else masked.set(key, { where: m.where, field: m.field, source: m.source, count: m.count });
    }
  };
  for (const e of events) {
    versions.add(e.v);
    switch (e.type) {
      case 'task.started':
        task = {
          taskId,
          name: e.data.name,
          startedBy: e.data.startedBy,
          agent: e.data.agent,
          workspace: e.data.workspace,
          startedAt: e.ts,
          expiresAt: e.data.expiresAt,
          state: 'active',
        };
        taskScope = e.data.scope;
        break;
      case 'task.ended':
        task = { ...task, endedAt: e.ts, state: e.data.reason };
        break;
      case 'call.request':
      case 'call.response':
        addMasked(e.data.masked);
        break;
      case 'approval.requested':
        approvals.set(e.data.approvalId, {
          approvalId: e.data.approvalId,
          callId: e.data.callId,
          action: e.data.action,
          resources: e.data.resources,
          rule: e.data.rule.id,
          requestedAt: e.ts,
          state: 'pending',
        });
        break;
      case 'approval.decided': {
        const a = approvals.get(e.data.approvalId);
        approvals.set(e.data.approvalId, {
          ...(a ?? { approvalId: e.data.approvalId, requestedAt: e.ts }),
          state: e.data.decision === 'deny' ? 'denied' : 'approved',
          decision: e.data.decision,
          decidedBy: e.data.decidedBy,
          decidedAt: e.ts,
          reason: e.data.reason,
        });
        break;
      }
      case 'approval.expired': {
        const a = approvals.get(e.data.approvalId);
        approvals.set(e.data.approvalId, {
          ...(a ?? { approvalId: e.data.approvalId, requestedAt: e.ts }),
          state: 'expired',
          decidedAt: e.ts,
        });
        break;
      }
      default:
        break;
    }
  }
  return {
    task,
    taskScope,
    approvals: [...approvals.values()],
    masked: [...masked.values()],
    formatVersions: [...versions].sort((a, b) => a - b),
  };
}
