import type { IamMapping } from '../aws/types';
import type { CompiledPolicy } from './compiled';
import { ContextView } from './context-view';
import { decide } from './evaluate';
import type { EvaluationResult, RequestContext } from './types';

export interface MappingEvaluation extends EvaluationResult {
  /** The action and resource the decision is about (the denied pair, or the first allowed one). */
  readonly action?: string;
  readonly resource?: string;
}

/**
 * A call is allowed only when every required action is allowed on every resource it touches.
 * The first explicit deny wins over everything; otherwise the first pair that is not allowed
 * makes the call implicitly denied. A mapping with no requirements is denied (fail closed).
 */
export function evaluateMapping(
  policy: CompiledPolicy,
  mapping: IamMapping,
  context: RequestContext,
): MappingEvaluation {
  const ctx = new ContextView(context);
  let denied: MappingEvaluation | undefined;
  let firstAllow: MappingEvaluation | undefined;
  let firstGap: MappingEvaluation | undefined;
  somePair(mapping, (action, resource) => {
    const r = decide(policy, action, resource, ctx);
    if (r.decision === 'ExplicitDeny') denied = { ...r, action, resource };
    else if (r.decision === 'ImplicitDeny') firstGap ??= { ...r, action, resource };
    else firstAllow ??= { ...r, action, resource };
    return denied !== undefined;
  });
  return denied ?? firstGap ?? firstAllow ?? { decision: 'ImplicitDeny' };
}

/**
 * Calls `visit` on each (action, resource) pair a mapping needs until it returns true; an action
 * naming no resource is visited on `*`.
 */
export function somePair(mapping: IamMapping, visit: (action: string, resource: string) => boolean): boolean {
  for (const req of mapping.requirements) {
    if (req.resources.length === 0) {
      if (visit(req.action, '*')) return true;
    } else {
      for (const r of req.resources) if (visit(req.action, r)) return true;
    }
  }
  return false;
}
