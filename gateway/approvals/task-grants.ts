import { arnGlobMatches, grantPatternProblem } from './grant-pattern';

/** One "approve for the task" decision: an action on resources, for the rest of the task. */
export interface Grant {
  readonly approvalId: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** The resource patterns the person chose (exact ARNs when they chose "this resource"). */
  readonly resources: readonly string[];
}

export interface GrantPair {
  readonly action: string;
  readonly resource: string;
}

interface Entry {
  readonly action: string;
  readonly pattern: string;
  /** One of the approved call's own resources: matched as is (`*` then means "no resource", not "any"). */
  readonly exact: boolean;
  readonly grant: Grant;
}

function matches(e: Entry, resource: string): boolean {
  return e.exact ? e.pattern === resource : arnGlobMatches(e.pattern, resource);
}

/**
 * Grants from "approve for the task". A grant covers the actions of the approved call on the
 * resources the person picked: the call's own ARNs (the default), or ARN patterns with wildcards
 * in the resource part only, each of which must match the approved call's resources (so a grant
 * never names another account, region or service). Never another action, never another task.
 * Actions compare case-insensitively (as IAM does), resources case-sensitively.
 */
export class TaskGrants {
  private readonly byTask = new Map<string, Entry[]>();

  /**
   * Records a grant of `pairs`' actions on `patterns` (default: the pairs' own resources). Throws
   * with a message for the person when a pattern is not allowed or does not cover the call.
   */
  add(
    taskId: string,
    pairs: readonly GrantPair[],
    grant: Omit<Grant, 'resources'>,
    patterns?: readonly string[],
  ): Grant {
    const resources = patterns ?? [...new Set(pairs.map((p) => p.resource))];
    const problem = grantProblem(pairs, resources);
    if (problem) throw new Error(problem);
    const full: Grant = { ...grant, resources };
    let list = this.byTask.get(taskId);
    if (!list) {
      list = [];
      this.byTask.set(taskId, list);
    }
    const actions = [...new Set(pairs.map((p) => p.action.toLowerCase()))];
    for (const action of actions)
      for (const pattern of resources) {
        const own = pairs.filter((p) => p.action.toLowerCase() === action);
        const exact = own.some((p) => p.resource === pattern);
        // A pattern is granted for the actions whose resources it matches, no other.
        if (!exact && !own.some((p) => arnGlobMatches(pattern, p.resource))) continue;
        list.push({ action, pattern, exact, grant: full });
      }
    return full;
  }

  /** The grant covering every pair, or undefined when any pair is not covered. */
  covering(taskId: string, pairs: readonly GrantPair[]): Grant | undefined {
    const list = this.byTask.get(taskId);
    if (!list || pairs.length === 0) return undefined;
    let first: Grant | undefined;
    for (const p of pairs) {
      const action = p.action.toLowerCase();
      const hit = list.find((e) => e.action === action && matches(e, p.resource));
      if (!hit) return undefined;
      first ??= hit.grant;
    }
    return first;
  }

  clear(taskId: string): void {
    this.byTask.delete(taskId);
  }
}

/** Why `patterns` cannot be granted for `pairs`, or undefined when they can. */
export function grantProblem(pairs: readonly GrantPair[], patterns: readonly string[]): string | undefined {
  if (pairs.length === 0)
    return 'this call names no action and resource a grant could cover; approve it once';
  if (patterns.length === 0 || patterns.length > 20) return 'give 1 to 20 resource patterns';
  for (const pattern of patterns) {
    const problem = grantPatternProblem(
      pattern,
      pairs.map((p) => p.resource),
    );
    if (problem) return problem;
  }
  const uncovered = pairs.find((p) => !patterns.some((pattern) => arnGlobMatches(pattern, p.resource)));
  if (uncovered) return `no pattern covers ${uncovered.resource}, which this call uses`;
  return undefined;
}
