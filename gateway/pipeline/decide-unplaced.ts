/**
 * Calls whose resource the gateway could not name. The mapping puts `*` where a request names no
 * resource it can place (a Redshift snapshot named without its cluster, whose name its ARN holds;
 * a value the template rule had to refuse), and an ARN-scoped rule never matches `*`: a deny rule
 * on `snapshot:prod-*` would let such a call through as if the rule were not there. When
 * the action acts on named resources (the Service Authorization Reference lists resource types
 * for it) and a deny or ask rule covers the action on some resource, the gateway cannot tell
 * whether the rule applies, so a person decides: each such call on its own, never by a grant for
 * the task, which would let the next call through whatever resource it names.
 */
import { resourceCatalogue } from '../aws/iam-resources';
import type { IamMapping, Identified } from '../aws/types';
import { type ContextView, somePair } from '../policy';
import { type EffectivePolicy, matchRule } from '../policy-file';
import type { PolicyRule } from '../policy-file/types';
import type { AskVerdict } from './decide';

/** A rule that may apply to a pair whose resource is not known. */
export interface UnsureRule {
  readonly kind: 'deny' | 'ask';
  readonly rule: PolicyRule;
  readonly action: string;
}

/** A value a request member holds: absent, empty strings and empty lists name nothing. */
function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

/**
 * `*` standing for a resource the call acts on but the gateway could not place: the action's
 * reference requires a resource, or the request fills a member that names one. An action whose
 * resource types are all optional (DescribeDBInstances) called without naming any acts on no
 * particular resource: `*` is then what it acts on, as in IAM, and no question is needed.
 */
function unplaced(action: string, resource: string, id: Identified): boolean {
  if (resource !== '*') return false;
  const colon = action.indexOf(':');
  if (colon <= 0) return false;
  const catalogue = resourceCatalogue();
  const types = catalogue.actionTypes(action.slice(0, colon), action.slice(colon + 1));
  if (types.length === 0) return false;
  if (types.some((t) => t.required)) return true;
  return (
    id.operation !== undefined &&
    catalogue.members(id.service, id.operation).some((m) => present(id.params[m.key]))
  );
}

/**
 * The first deny rule, else the first ask rule, that covers an unplaced pair of the call on some
 * resource. Called after the deny rules were matched as they stand, so a rule found here is one
 * scoped to resources the call may or may not touch.
 */
export function unsureRule(
  p: EffectivePolicy,
  id: Identified,
  mapping: IamMapping,
  ctx: ContextView,
): UnsureRule | undefined {
  // Most policies (the built-in default among them) scope no rule to resources.
  if (p.denyAnyResource.rules.length === 0 && p.askAnyResource.rules.length === 0) return undefined;
  let deny: UnsureRule | undefined;
  let ask: UnsureRule | undefined;
  somePair(mapping, (action, resource) => {
    if (!unplaced(action, resource, id)) return false;
    const denyRule = matchRule(p.denyAnyResource, action, '*', ctx);
    if (denyRule) deny = { kind: 'deny', rule: denyRule, action };
    else if (ask === undefined) {
      const askRule = matchRule(p.askAnyResource, action, '*', ctx);
      if (askRule) ask = { kind: 'ask', rule: askRule, action };
    }
    return deny !== undefined;
  });
  return deny ?? ask;
}

export function unsureVerdict(u: UnsureRule): AskVerdict {
  const covers = u.kind === 'deny' ? 'forbids it on some resources' : 'holds it on some resources';
  const reason =
    `Airlock could not tell which resource ${u.action} acts on, and ${u.kind} rule "${u.rule.id}" ` +
    `${covers} (${u.rule.reason}); a person must decide this call`;
  return {
    decision: 'ask',
    reason,
    rule: {
      id: u.rule.id,
      reason,
      ...(u.kind === 'ask' && u.rule.approvers ? { approvers: u.rule.approvers } : {}),
    },
    action: u.action,
    resources: ['*'],
    pairs: [],
  };
}
