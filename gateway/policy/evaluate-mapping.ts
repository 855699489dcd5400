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
  let firstAllow: MappingEvaluation | undefined;
  let firstGap: MappingEvaluation | undefined;
  for (const req of mapping.requirements) {
    const resources = req.resources.length === 0 ? ['*'] : req.resources;
    for (const resource of resources) {
      const r = decide(policy, req.action, resource, ctx);
      if (r.decision === 'ExplicitDeny') return { ...r, action: req.action, resource };
      if (r.decision === 'ImplicitDeny') firstGap ??= { ...r, action: req.action, resource };
      else firstAllow ??= { ...r, action: req.action, resource };
    }
  }
  return firstGap ?? firstAllow ?? { decision: 'ImplicitDeny' };
}
