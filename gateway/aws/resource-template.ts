import { foldsCase } from './case-folded-names';
import { isArn, type ArnScope, type Params } from './iam-arn';
import {
  resourceCatalogue,
  type InputMember,
  type ResourceCatalogue,
  type ResourceType,
} from './iam-resources';

/**
 * The default resource rule, driven by data: the Service Authorization Reference's ARN formats
 * for the action (iam-resources.ts), filled from the input members the request carries.
 *
 * - An ARN member (`StreamARN`, `stateMachineArn`, `ResourceArn`) whose value has the format of
 *   one of the action's resource types is used as given (its own account and region).
 * - A template variable is filled from the member of the same name (`${StreamName}` from
 *   `StreamName`, `${InstanceId}` from the list `InstanceIds`), or from `Name` / `Id` when the
 *   operation is named after the resource (`${ConnectionName}` from `Name` in DeleteConnection),
 *   or from a curated alias. Only members the operation has in the model count: a member the
 *   service would ignore cannot name (or hide) a resource.
 * - A value is used only when it is a plain name (no `/`, `:`, wildcard or space) or an ARN of
 *   the type; a member that would fill variables of two resource types is ambiguous and fills
 *   neither. Every value of a list member counts, and several members naming the same type all
 *   count: the call needs each resource it names, never one picked among them.
 *
 * What cannot be filled stays unnamed, so the caller falls back to `*`: a wrong ARN would be
 * worse than none (a deny on the real resource must match, a scope must not match a decoy). A
 * value the rule had to refuse (a partial ARN, a path, an ARN of another type) adds `*` next to
 * what it could name: the service may act on a resource the list does not hold, so only a scope
 * granting every resource allows the call, while a deny on the named ones still matches.
 */

export interface TemplateOptions {
  /** Types to fill when the reference lists none for the action (or instead of its list). */
  readonly types?: readonly string[];
  /** More member names (model names) that fill a variable of a resource type. */
  readonly aliases?: (typeKey: string, variable: string) => readonly string[];
  /** More members (model names) that hold an ARN, besides those named `*Arn` (RDS's `ResourceName`). */
  readonly arnMembers?: readonly string[];
  /** Normalizes a plain value before it is checked (Route 53 `/hostedzone/Z1` → `Z1`). */
  readonly value?: (typeKey: string, variable: string, raw: string) => string;
}

/** Combinations of list values one type may expand to before it is left unnamed. */
const MAX_COMBINATIONS = 256;
const PLAIN = /^[^\s/:*?]+$/;
const ARN_MEMBER = /arns?$/i;

export interface TemplateTarget {
  /** Model service id (`kinesis`), whose operation input members are read. */
  readonly service: string;
  readonly iamPrefix: string;
  readonly operation: string;
  /** The IAM action whose resource types are filled (`kinesis:PutRecord` → `PutRecord`). */
  readonly action: string;
}

/** What the request may name, per operation: worked out once from the catalogue, then cached. */
interface Recipe {
  readonly types: readonly ResourceType[];
  /** Model service id, for the members whose values AWS lower-cases (case-folded-names.ts). */
  readonly service: string;
  readonly arnMembers: readonly InputMember[];
  /** Types every variable of which some unambiguous member fills. */
  readonly fills: ReadonlyArray<{
    readonly type: ResourceType;
    readonly variables: ReadonlyArray<readonly [variable: string, members: readonly InputMember[]]>;
  }>;
}

const NO_OPTIONS: TemplateOptions = {};
const recipes = new WeakMap<ResourceCatalogue, WeakMap<TemplateOptions, Map<string, Recipe>>>();

function recipeFor(target: TemplateTarget, opts: TemplateOptions): Recipe {
  const catalogue = resourceCatalogue();
  let byOptions = recipes.get(catalogue);
  if (byOptions === undefined)
    recipes.set(catalogue, (byOptions = new WeakMap<TemplateOptions, Map<string, Recipe>>()));
  let byTarget = byOptions.get(opts);
  if (byTarget === undefined) byOptions.set(opts, (byTarget = new Map<string, Recipe>()));
  const key = `${target.service}\0${target.iamPrefix}\0${target.operation}\0${target.action}`;
  let recipe = byTarget.get(key);
  if (recipe === undefined) {
    recipe = buildRecipe(catalogue, target, opts);
    byTarget.set(key, recipe);
  }
  return recipe;
}

function buildRecipe(catalogue: ResourceCatalogue, target: TemplateTarget, opts: TemplateOptions): Recipe {
  const types =
    opts.types === undefined
      ? catalogue.actionTypes(target.iamPrefix, target.action)
      : opts.types
          .map((k) => catalogue.resourceType(target.iamPrefix, k))
          .filter((t): t is ResourceType => t !== undefined);
  const members = types.length === 0 ? [] : catalogue.members(target.service, target.operation);
  return {
    types,
    service: target.service,
    arnMembers: members.filter((m) => isArnMember(m, opts)),
    fills: memberClaims(target.operation, types, members, opts),
  };
}

function isArnMember(m: InputMember, opts: TemplateOptions): boolean {
  return ARN_MEMBER.test(m.name) || opts.arnMembers?.includes(m.name) === true;
}

/** The ARNs the request names for the action's resource types; empty when it names none. */
export function templateResources(
  target: TemplateTarget,
  params: Params,
  scope: ArnScope,
  opts: TemplateOptions = NO_OPTIONS,
): string[] {
  const recipe = recipeFor(target, opts);
  if (recipe.types.length === 0) return [];
  const out = new Set<string>();
  for (const m of recipe.arnMembers)
    for (const v of memberValues(params, m)) if (recipe.types.some((t) => t.template.matches(v))) out.add(v);
  for (const fill of recipe.fills)
    for (const arn of fillType(fill, recipe.service, params, scope, opts)) out.add(arn);
  return [...out];
}

/** The literal start of a format's resource part (`rule/` for `rule/${EventBusName}/${RuleName}`). */
function head(t: ResourceType): string {
  const resource = t.template.format.split(':').slice(5).join(':');
  const at = resource.indexOf('${');
  return at < 0 ? resource : resource.slice(0, at);
}

/**
 * Which members fill which variables, per type the request can complete. A member is ambiguous,
 * and fills nothing, when it would stand for two different variables, or for one variable of two
 * spellings of the same resource (`Name` for `rule/${RuleName}` and `rule/${EventBusName}/${RuleName}`,
 * a rule on the default or on a custom bus); the same variable of two different resources is one
 * value used twice (Glue's `DatabaseName` in `database/…` and `table/…`). A type the request
 * cannot complete anyway (`event-busv2/${EventBusName}/${OpaqueId}`) claims nothing.
 */
function memberClaims(
  operation: string,
  types: readonly ResourceType[],
  members: readonly InputMember[],
  opts: TemplateOptions,
): Recipe['fills'] {
  const complete: Array<{ type: ResourceType; variables: Array<[string, InputMember[]]> }> = [];
  const uses = new Map<string, Array<{ variable: string; head: string }>>();
  for (const type of types) {
    const variables = type.template.variables.map((variable): [string, InputMember[]] => {
      const aliases = opts.aliases?.(type.key, variable) ?? [];
      const found = members.filter(
        (m) => !isArnMember(m, opts) && (aliases.includes(m.name) || namesVariable(operation, m, variable)),
      );
      return [variable, found];
    });
    if (variables.length === 0 || variables.some(([, found]) => found.length === 0)) continue;
    complete.push({ type, variables });
    for (const [variable, found] of variables)
      for (const m of found) uses.set(m.key, [...(uses.get(m.key) ?? []), { variable, head: head(type) }]);
  }
  const ambiguous = (key: string): boolean => {
    const u = uses.get(key) ?? [];
    return new Set(u.map((x) => x.variable)).size > 1 || new Set(u.map((x) => x.head)).size < u.length;
  };
  return complete
    .map(({ type, variables }) => ({
      type,
      variables: variables.map(([v, found]) => [v, found.filter((m) => !ambiguous(m.key))] as const),
    }))
    .filter(({ variables }) => variables.every(([, found]) => found.length > 0));
}

/**
 * `${StreamName}` ← `StreamName` / `StreamNames` (by model name or params key: EC2's `Instances`
 * list travels as `InstanceId.N`); `${ConnectionName}` ← `Name` in an operation named after the
 * resource (`DeleteConnection`, not `CreateConnectionAlias`).
 */
function namesVariable(operation: string, m: InputMember, variable: string): boolean {
  const v = variable.toLowerCase();
  for (const n of [m.name.toLowerCase(), m.key.toLowerCase()]) if (n === v || n === `${v}s`) return true;
  const name = m.name.toLowerCase();
  for (const suffix of ['Name', 'Id']) {
    if (!variable.endsWith(suffix) || name !== suffix.toLowerCase()) continue;
    const noun = variable.slice(0, -suffix.length);
    if (noun !== '' && operation.endsWith(noun) && operation !== noun) return true;
  }
  return false;
}

function fillType(
  fill: Recipe['fills'][number],
  service: string,
  params: Params,
  scope: ArnScope,
  opts: TemplateOptions,
): string[] {
  const t = fill.type;
  const arns: string[] = [];
  const choices: Array<[string, string[]]> = [];
  for (const [variable, members] of fill.variables) {
    const plain: string[] = [];
    for (const m of members) {
      const fold = foldsCase(service, m.name);
      for (const sent of memberValues(params, m)) {
        const raw = fold ? sent.toLowerCase() : sent;
        if (isArn(raw)) {
          // A member that takes a name or an ARN (`EventBusName`): the ARN stands for the whole
          // resource only when it is of this type and this is its one variable.
          arns.push(t.template.variables.length === 1 && t.template.matches(raw) ? raw : '*');
          continue;
        }
        const v = opts.value?.(t.key, variable, raw) ?? raw;
        if (PLAIN.test(v)) plain.push(v);
        else arns.push('*');
      }
    }
    choices.push([variable, [...new Set(plain)]]);
  }
  let combos: Array<Record<string, string>> = [{}];
  for (const [variable, vs] of choices) {
    if (vs.length === 0 || combos.length * vs.length > MAX_COMBINATIONS) return arns;
    combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [variable]: v })));
  }
  for (const c of combos) {
    const arn = t.template.fill(scope, c);
    if (arn !== undefined) arns.push(arn);
  }
  return arns;
}

/**
 * A member's values under its params key and, where that differs (EC2's `InstanceId.N` for
 * `InstanceIds`), under its model name too: the service reads one of them, and naming both
 * only ever adds resources the call must be allowed on.
 */
function memberValues(p: Params, m: InputMember): string[] {
  return m.key === m.name ? values(p, m.key) : [...new Set([...values(p, m.key), ...values(p, m.name)])];
}

/**
 * String values of a params key: a string, every string of a list, and every flattened item
 * (`InstanceId.1`, `Names.member.2`). identify keeps a scalar over the list gathered under the
 * same base, so a query request could carry both: all of them count.
 */
export function values(p: Params, key: string): string[] {
  const out: string[] = [];
  const v = p[key];
  if (typeof v === 'string') {
    if (v !== '') out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'string' && x !== '') out.push(x);
  }
  const prefix = `${key}.`;
  let items: Array<[number, string]> | undefined;
  for (const k in p) {
    if (k.length <= prefix.length || !k.startsWith(prefix)) continue;
    const x = p[k];
    const m = typeof x === 'string' && x !== '' ? /^(?:member\.)?(\d+)$/.exec(k.slice(prefix.length)) : null;
    if (m !== null) (items ??= []).push([Number(m[1]), x as string]);
  }
  if (items !== undefined) for (const [, x] of items.sort((a, b) => a[0] - b[0])) out.push(x);
  return out.length > 1 ? [...new Set(out)] : out;
}
