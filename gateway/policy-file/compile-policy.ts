import { compilePolicy, type CompiledPolicy, type ContextView, decide, PolicyError } from '../policy';
import type { PathSegment } from './json-positions';
import type { PolicyRule, PolicySource, WorkspacePolicy } from './types';
import { ShapeError } from './shape-checks';

/**
 * The context key carrying who a call is made for: `user:<who started the task>` and, when the
 * task has an agent label, `agent:<label>`; for a signed-in (OIDC) user also `user:<subject>`,
 * `user:<email>` and `group:<g>` for each group claim. Rules' `identities` compile to a condition on it.
 */
export const IDENTITY_KEY = 'airlock:Identity';

/** Rules of one kind compiled into one IAM document: statement i is rules[i], all Allow. */
export interface CompiledRuleSet {
  readonly rules: readonly PolicyRule[];
  readonly compiled: CompiledPolicy;
}

/** The first rule of a set matching the pair, or undefined. */
export function matchRule(
  set: CompiledRuleSet,
  action: string,
  resource: string,
  ctx: ContextView,
): PolicyRule | undefined {
  if (set.rules.length === 0) return undefined;
  const r = decide(set.compiled, action, resource, ctx);
  return r.decision === 'Allow' && r.statementIndex !== undefined ? set.rules[r.statementIndex] : undefined;
}

/** The policy in force, ready for the hot path. Immutable; a reload swaps the whole object. */
export interface EffectivePolicy {
  readonly policy: WorkspacePolicy;
  readonly source: PolicySource;
  readonly deny: CompiledRuleSet;
  readonly ask: CompiledRuleSet;
  /**
   * The rules scoped to resources, with their resources left out: what a call whose resource the
   * gateway could not place may fall under (pipeline/decide-unplaced.ts).
   */
  readonly denyAnyResource: CompiledRuleSet;
  readonly askAnyResource: CompiledRuleSet;
  readonly templates: ReadonlyMap<string, CompiledPolicy>;
}

/**
 * Compiles rules and scope templates with the task-scope evaluator, so workspace rules and task
 * scopes share one set of matchers (and one differential-tested semantics). Each kind of rule is
 * one document whose statements keep rule order, so the evaluator's first applicable statement
 * is the first matching rule. Throws ShapeError pointing at the offending rule element.
 */
export function compileWorkspacePolicy(policy: WorkspacePolicy, source: PolicySource): EffectivePolicy {
  const templates = new Map<string, CompiledPolicy>();
  for (const [name, doc] of Object.entries(policy.scopeTemplates)) {
    templates.set(
      name,
      withPath(['scopeTemplates', name], false, () => compilePolicy(doc)),
    );
  }
  return {
    policy,
    source,
    deny: compileRules(policy.denyRules, 'denyRules', policy.groups),
    ask: compileRules(policy.askRules, 'askRules', policy.groups),
    denyAnyResource: anyResource(policy.denyRules, 'denyRules', policy.groups),
    askAnyResource: anyResource(policy.askRules, 'askRules', policy.groups),
    templates,
  };
}

function anyResource(
  rules: readonly PolicyRule[],
  key: string,
  groups: Readonly<Record<string, readonly string[]>>,
): CompiledRuleSet {
  const scoped = rules.filter((r) => r.resources !== undefined && !r.resources.includes('*'));
  const { compiled } = compileRules(
    scoped.map((r) => ({ ...r, resources: undefined })),
    key,
    groups,
  );
  return { rules: scoped, compiled };
}

function compileRules(
  rules: readonly PolicyRule[],
  key: string,
  groups: Readonly<Record<string, readonly string[]>>,
): CompiledRuleSet {
  const statements = rules.map((r, i) => ruleStatement(r, [key, i], groups));
  // A rule's match denies or asks, so a resource whose account is not known yet matches it.
  const compiled = withPath([key], true, () =>
    compilePolicy({ Version: '2012-10-17', Statement: statements }, { matchRestricts: true }),
  );
  return { rules, compiled };
}

function ruleStatement(
  rule: PolicyRule,
  path: PathSegment[],
  groups: Readonly<Record<string, readonly string[]>>,
): Record<string, unknown> {
  const statement: Record<string, unknown> = {
    Effect: 'Allow',
    Action: [...rule.actions],
    Resource: rule.resources ? [...rule.resources] : '*',
  };
  const conditions: Record<string, Record<string, unknown>> = {};
  for (const [op, block] of Object.entries(rule.conditions ?? {})) conditions[op] = { ...block };
  if (rule.identities) {
    const patterns = rule.identities.flatMap((id) => identityPatterns(id, groups));
    const op = Object.keys(conditions).find((k) => k.toLowerCase() === 'foranyvalue:stringlike');
    const block = (conditions[op ?? 'ForAnyValue:StringLike'] ??= {});
    if (Object.keys(block).some((k) => k.toLowerCase() === IDENTITY_KEY.toLowerCase()))
      throw new ShapeError(
        [...path, 'conditions'],
        `use "identities" or a condition on ${IDENTITY_KEY}, not both`,
      );
    block[IDENTITY_KEY] = patterns;
  }
  if (Object.keys(conditions).length > 0) statement.Condition = conditions;
  return statement;
}

/**
 * `alice` → `user:alice`; `group:ops` → `group:ops` (the IdP's groups claim of a signed-in user)
 * plus, when the policy defines `groups.ops`, its members; `user:*`, `agent:claude*` as written.
 */
function identityPatterns(id: string, groups: Readonly<Record<string, readonly string[]>>): string[] {
  if (id.startsWith('group:')) {
    const name = id.slice('group:'.length);
    const members = Object.prototype.hasOwnProperty.call(groups, name) ? groups[name] : undefined;
    return [id, ...(members ?? []).map(normalizeIdentity)];
  }
  return [normalizeIdentity(id)];
}

function normalizeIdentity(id: string): string {
  return id.startsWith('user:') || id.startsWith('agent:') ? id : `user:${id}`;
}

/** Runs a compile step, turning the evaluator's `Statement[3].Action[1]` into a document path. */
function withPath<T>(base: PathSegment[], rules: boolean, compile: () => T): T {
  try {
    return compile();
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const segments = parsePolicyPath(e.path);
    const detail = e.message.slice(e.path === '' ? 0 : e.path.length + 2);
    if (!rules) throw new ShapeError([...base, ...segments], detail);
    // Statement[i] of a rule document is rule i; its IAM element names map to the rule's own.
    const [, index, element, ...rest] = segments;
    const renamed =
      element === 'Action'
        ? 'actions'
        : element === 'Resource'
          ? 'resources'
          : element === 'Condition'
            ? 'conditions'
            : element;
    const path = [
      ...base,
      ...(index === undefined ? [] : [index]),
      ...(renamed === undefined ? [] : [renamed]),
      ...rest,
    ];
    throw new ShapeError(path, detail);
  }
}

/** `Statement[0].Condition.StringLike` → ['Statement', 0, 'Condition', 'StringLike']. */
function parsePolicyPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g))
    out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? ''));
  return out;
}
