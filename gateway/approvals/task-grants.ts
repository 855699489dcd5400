/** One "approve for the task" decision: this action on this resource, for the rest of the task. */
export interface Grant {
  readonly approvalId: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface GrantPair {
  readonly action: string;
  readonly resource: string;
}

/**
 * Grants from "approve for the task". A grant covers exactly the (action, resource) pairs the
 * approved call asked for: never a wider pattern, never another resource, never another task.
 * Actions compare case-insensitively (as IAM does), resources exactly.
 */
export class TaskGrants {
  private readonly byTask = new Map<string, Map<string, Grant>>();

  add(taskId: string, pairs: readonly GrantPair[], grant: Grant): void {
    let m = this.byTask.get(taskId);
    if (!m) {
      m = new Map();
      this.byTask.set(taskId, m);
    }
    for (const p of pairs) m.set(pairKey(p), grant);
  }

  /** The grant covering every pair, or undefined when any pair is not covered. */
  covering(taskId: string, pairs: readonly GrantPair[]): Grant | undefined {
    const m = this.byTask.get(taskId);
    if (!m || pairs.length === 0) return undefined;
    let first: Grant | undefined;
    for (const p of pairs) {
      const g = m.get(pairKey(p));
      if (!g) return undefined;
      first ??= g;
    }
    return first;
  }

  clear(taskId: string): void {
    this.byTask.delete(taskId);
  }
}

function pairKey(p: GrantPair): string {
  return `${p.action.toLowerCase()}\n${p.resource}`;
}
