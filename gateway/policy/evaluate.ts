import { ACCOUNT_UNKNOWN } from './arn-pattern';
import type { CompiledPolicy, CompiledStatement } from './compiled';
import { ContextView } from './context-view';
import type { EvaluationRequest, EvaluationResult } from './types';

/**
 * The hot path. An explicit Deny in any applicable statement wins, else an applicable Allow
 * allows, else the request is implicitly denied. Static policies decide without allocating.
 */
export function evaluate(policy: CompiledPolicy, req: EvaluationRequest): EvaluationResult {
  const ctx = policy.usesContext ? new ContextView(req.context) : EMPTY;
  return decide(policy, req.action, req.resource, ctx);
}

/** `evaluate` with a context view the caller reuses across several decisions. */
export function decide(
  policy: CompiledPolicy,
  action: string,
  resource: string,
  ctx: ContextView,
): EvaluationResult {
  for (const st of policy.denies) if (applies(st, action, resource, ctx)) return st.result;
  for (const st of policy.allows) if (applies(st, action, resource, ctx)) return st.result;
  return IMPLICIT_DENY;
}

const EMPTY = new ContextView({});
const IMPLICIT_DENY: EvaluationResult = Object.freeze({ decision: 'ImplicitDeny' });

function applies(st: CompiledStatement, action: string, resource: string, ctx: ContextView): boolean {
  let hit = false;
  for (const m of st.actions) {
    if (m.test(action, 0, action.length, undefined) === true) {
      hit = true;
      break;
    }
  }
  if (hit === st.notAction) return false;

  if (st.notResource) {
    // An unresolvable variable leaves membership unknown, and unknown never satisfies NotResource.
    // An unknown account is outside the set when that makes a restricting statement apply.
    for (const p of st.resources) {
      if (p === null) return false;
      const r = p.test(resource, ctx);
      if (r === ACCOUNT_UNKNOWN ? !st.unknownAccountMatches : r !== false) return false;
    }
  } else {
    hit = false;
    for (const p of st.resources) {
      const r = p === null ? true : p.test(resource, ctx);
      if (r === true || (r === ACCOUNT_UNKNOWN && st.unknownAccountMatches)) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  }

  for (const c of st.conditions) if (!c.test(ctx)) return false;
  return true;
}
