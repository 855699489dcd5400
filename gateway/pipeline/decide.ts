import type { IamMapping, Identified } from '../aws/types';
import {
  compilePolicy,
  type CompiledPolicy,
  ContextView,
  decide as decidePolicy,
  evaluateMapping,
  type RequestContext,
  somePair,
} from '../policy';
import { type EffectivePolicy, IDENTITY_KEY, matchRule } from '../policy-file';
import { identityNames } from '../identity/identity-claims';
import type { TaskInfo } from '../protocol';
import type { Decision } from './call-context';
import { type RequestLine, unknownVerdict } from './decide-unknown';
import { unsureRule, unsureVerdict } from './decide-unplaced';

export interface DecisionInput {
  readonly task: TaskInfo;
  readonly identified: Identified;
  readonly mapping: IamMapping;
  readonly sourceIp?: string;
  readonly now: Date;
  /** The raw request line, shown when the call cannot be identified. */
  readonly request?: RequestLine;
}

export interface ActionResource {
  readonly action: string;
  readonly resource: string;
}

/** A call a human must decide: what it needs, why it asks, and which pairs an approval covers. */
export interface AskVerdict {
  readonly decision: 'ask';
  readonly reason: string;
  readonly rule: { readonly id: string; readonly reason: string; readonly approvers?: readonly string[] };
  /** The action the prompt is about (the first that asked) and the resources it touches. */
  readonly action: string;
  readonly resources: readonly string[];
  /** Every (action, resource) pair that asked; "approve for the task" grants exactly these. */
  readonly pairs: readonly ActionResource[];
}

export type Verdict = Decision | AskVerdict;

/** Rule id recorded when a call falls outside its task's scope. */
export const OUT_OF_SCOPE_RULE = 'scope';

function describe(action: string, resource: string): string {
  return resource === '*' ? action : `${action} on ${resource}`;
}

/** Context keys the gateway knows for condition evaluation (also rebuilt by reviews and what-if). */
export function conditionContext(input: DecisionInput): RequestContext {
  const p = input.identified.params;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const identity = [`user:${input.task.startedBy}`];
  if (input.task.agent) identity.push(`agent:${input.task.agent}`);
  // A signed-in starter is matched by their ID token's claims: subject, email, groups.
  if (input.task.identity) identity.push(...identityNames(input.task.identity));
  return {
    'aws:RequestedRegion': input.identified.region,
    'aws:CurrentTime': input.now.toISOString(),
    'aws:EpochTime': String(Math.floor(input.now.getTime() / 1000)),
    'aws:SourceIp': input.sourceIp,
    // The leg to AWS is always TLS; the agent-to-gateway leg is loopback.
    'aws:SecureTransport': 'true',
    's3:prefix': str(p.Prefix),
    's3:delimiter': str(p.Delimiter),
    's3:max-keys':
      typeof p.MaxKeys === 'string' || typeof p.MaxKeys === 'number' ? String(p.MaxKeys) : undefined,
    [IDENTITY_KEY]: identity,
  };
}

/**
 * Decides a call, in DESIGN.md's order: workspace deny rules → the task's scope (outside it:
 * deny, or ask when the workspace says `outOfScope: "ask"`; an explicit Deny in the scope always
 * denies) → workspace ask rules → allow. Every IAM action the call needs is checked on every
 * resource it touches. Rules and scopes are compiled once; a decision reads the policy in force
 * once, so a reload never splits a decision between two policies.
 *
 * A call without an identified operation is never allowed: whatever would have denied it still
 * does, anything else becomes the workspace's `unknownOperations` (ask, by default, or deny).
 */
export class CallDecider {
  private readonly compiled = new Map<string, CompiledPolicy>();

  constructor(private readonly policy: () => EffectivePolicy) {}

  /** Compiles (and so validates) a scope; throws the policy core's typed error when invalid. */
  prepare(taskId: string, scope: unknown): void {
    if (scope !== undefined) this.compiled.set(taskId, compilePolicy(scope));
  }

  /** Drops a task's compiled scope (the task ended). */
  forget(taskId: string): void {
    this.compiled.delete(taskId);
  }

  private scopeOf(task: TaskInfo): CompiledPolicy | undefined {
    if (task.scope === undefined) return undefined;
    let c = this.compiled.get(task.taskId);
    if (!c) {
      c = compilePolicy(task.scope);
      this.compiled.set(task.taskId, c);
    }
    return c;
  }

  decide(input: DecisionInput): Verdict {
    const { identified } = input;
    const op = identified.operation;
    // AWS answers GetCallerIdentity whatever the policies say; agents use it to orient themselves.
    if (identified.service === 'sts' && op === 'GetCallerIdentity') {
      return { decision: 'allow', reason: 'sts:GetCallerIdentity is always allowed (as in AWS)' };
    }
    const p = this.policy();
    const verdict = this.decideWith(p, input);
    if (op !== undefined || verdict.decision === 'deny') return verdict;
    return unknownVerdict(identified, input.request, p.policy.unknownOperations);
  }

  private decideWith(p: EffectivePolicy, input: DecisionInput): Verdict {
    const { task, identified, mapping } = input;
    const op = identified.operation;
    const context = conditionContext(input);
    const ctx = new ContextView(context);

    let denied: Decision | undefined;
    somePair(mapping, (action, resource) => {
      const rule = matchRule(p.deny, action, resource, ctx);
      if (rule === undefined) return false;
      denied = {
        decision: 'deny',
        reason: `Airlock denied ${describe(action, resource)}: ${rule.reason} (rule: ${rule.id})`,
        rule: rule.id,
      };
      return true;
    });
    if (denied) return denied;
    // A resource-scoped rule the call may fall under: only a scope's deny outranks the question.
    const unsure = unsureRule(p, identified, mapping, ctx);

    const pairs: ActionResource[] = [];
    let asking: { id: string; reason: string } | undefined;
    const scope = this.scopeOf(task);
    if (scope) {
      const r = evaluateMapping(scope, mapping, context);
      const what = describe(r.action ?? `${identified.iamPrefix}:${op ?? '*'}`, r.resource ?? '*');
      if (r.decision === 'ExplicitDeny') {
        const rule = r.statement ? `scope:${r.statement}` : OUT_OF_SCOPE_RULE;
        return {
          decision: 'deny',
          reason: `Airlock denied ${what}: explicitly denied by the scope of task "${task.name}" (rule: ${rule})`,
          rule,
        };
      }
      if (r.decision === 'ImplicitDeny') {
        const reason = `outside the scope of task "${task.name}"`;
        if (p.policy.outOfScope === 'deny') {
          return {
            decision: 'deny',
            reason: `Airlock denied ${what}: ${reason} (rule: ${OUT_OF_SCOPE_RULE})`,
            rule: OUT_OF_SCOPE_RULE,
          };
        }
        asking = { id: OUT_OF_SCOPE_RULE, reason };
        somePair(mapping, (action, resource) => {
          if (decidePolicy(scope, action, resource, ctx).decision !== 'Allow')
            pairs.push({ action, resource });
          return false;
        });
        if (pairs.length === 0)
          pairs.push({ action: r.action ?? `${identified.iamPrefix}:*`, resource: r.resource ?? '*' });
      }
    }

    somePair(mapping, (action, resource) => {
      const rule = matchRule(p.ask, action, resource, ctx);
      if (rule === undefined) return false;
      asking ??= {
        id: rule.id,
        reason: rule.reason,
        ...(rule.approvers ? { approvers: rule.approvers } : {}),
      };
      if (!pairs.some((q) => q.action === action && q.resource === resource))
        pairs.push({ action, resource });
      return false;
    });
    const first = pairs[0];
    if (unsure && (unsure.kind === 'deny' || !asking || !first)) return unsureVerdict(unsure);
    if (asking && first) {
      return {
        decision: 'ask',
        reason: asking.reason,
        rule: asking,
        action: first.action,
        resources: pairs.filter((q) => q.action === first.action).map((q) => q.resource),
        // An unplaced resource may fall under a rule too: then no grant for the task.
        pairs: unsure ? [] : pairs,
      };
    }

    if (!scope)
      return { decision: 'allow', reason: 'allowed by the workspace policy (the task has no scope)' };
    return { decision: 'allow', reason: `allowed by the scope of task "${task.name}"` };
  }
}
