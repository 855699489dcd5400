import {
  arnValues,
  BadValue,
  binaryValues,
  boolValues,
  ipValues,
  likeValues,
  orderedValues,
  parseDate,
  parseNumber,
  stringValues,
  type Comparison,
  type ValueSet,
} from './condition-values';
import type { ContextView } from './context-view';
import { PolicyError } from './errors';

/**
 * The Condition element. Every (operator, key) pair is one test and all tests must hold; the
 * values listed for one key are alternatives. Semantics follow the IAM reference:
 * - a missing key fails positive operators and satisfies negated ones (StringNotEquals, ...);
 * - `...IfExists` makes a missing key satisfy the test;
 * - `Null` tests presence only;
 * - `ForAllValues:` holds when every request value matches (vacuously for a missing key),
 *   `ForAnyValue:` when at least one does;
 * - a single-valued operator never matches a multivalued (array) context value.
 */
export interface CompiledCondition {
  test(ctx: ContextView): boolean;
}

type Family = (values: readonly string[], variables: boolean) => ValueSet;

interface OperatorSpec {
  readonly family: Family;
  readonly negated: boolean;
}

const ordered =
  (cmp: Comparison, date: boolean): Family =>
  (values) =>
    date ? orderedValues(values, cmp, parseDate, 'date') : orderedValues(values, cmp, parseNumber, 'number');

const str: Family = (values, variables) => stringValues(values, variables, false);
const strIgnoreCase: Family = (values, variables) => stringValues(values, variables, true);

const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map(
  (
    [
      ['StringEquals', str, false],
      ['StringNotEquals', str, true],
      ['StringEqualsIgnoreCase', strIgnoreCase, false],
      ['StringNotEqualsIgnoreCase', strIgnoreCase, true],
      ['StringLike', likeValues, false],
      ['StringNotLike', likeValues, true],
      ['NumericEquals', ordered('eq', false), false],
      ['NumericNotEquals', ordered('eq', false), true],
      ['NumericLessThan', ordered('lt', false), false],
      ['NumericLessThanEquals', ordered('le', false), false],
      ['NumericGreaterThan', ordered('gt', false), false],
      ['NumericGreaterThanEquals', ordered('ge', false), false],
      ['DateEquals', ordered('eq', true), false],
      ['DateNotEquals', ordered('eq', true), true],
      ['DateLessThan', ordered('lt', true), false],
      ['DateLessThanEquals', ordered('le', true), false],
      ['DateGreaterThan', ordered('gt', true), false],
      ['DateGreaterThanEquals', ordered('ge', true), false],
      ['Bool', boolValues, false],
      ['BinaryEquals', binaryValues, false],
      ['IpAddress', ipValues, false],
      ['NotIpAddress', ipValues, true],
      ['ArnEquals', arnValues, false],
      ['ArnLike', arnValues, false],
      ['ArnNotEquals', arnValues, true],
      ['ArnNotLike', arnValues, true],
    ] as const
  ).map(([name, family, negated]) => [name.toLowerCase(), { family, negated }]),
);

type Qualifier = 'single' | 'all' | 'any';

export function compileConditionBlock(block: unknown, path: string, variables: boolean): CompiledCondition[] {
  if (!isPlainObject(block)) throw new PolicyError('InvalidCondition', path, 'Condition must be an object');
  const out: CompiledCondition[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    const opPath = `${path}.${operator}`;
    const { qualifier, base, ifExists } = parseOperator(operator, opPath);
    if (!isPlainObject(keys)) {
      throw new PolicyError('InvalidCondition', opPath, 'an operator must map condition keys to values');
    }
    for (const [key, raw] of Object.entries(keys)) {
      const keyPath = `${opPath}.${key}`;
      const values = conditionValues(raw, keyPath);
      const keyLower = key.toLowerCase();
      if (base === 'null') {
        out.push(new NullTest(key, keyLower, nullValues(values, keyPath)));
        continue;
      }
      const spec = OPERATORS.get(base);
      if (spec === undefined)
        throw new PolicyError('UnknownConditionOperator', opPath, `unknown operator ${operator}`);
      let set: ValueSet;
      try {
        set = spec.family(values, variables);
      } catch (e) {
        if (e instanceof BadValue) throw new PolicyError('InvalidConditionValue', keyPath, e.message);
        throw e;
      }
      out.push(new KeyTest(key, keyLower, set, spec.negated, ifExists, qualifier));
    }
  }
  return out;
}

function parseOperator(
  operator: string,
  path: string,
): { qualifier: Qualifier; base: string; ifExists: boolean } {
  const parts = operator.split(':');
  if (parts.length > 2)
    throw new PolicyError('UnknownConditionOperator', path, `unknown operator ${operator}`);
  let qualifier: Qualifier = 'single';
  if (parts.length === 2) {
    const q = (parts[0] ?? '').toLowerCase();
    if (q === 'forallvalues') qualifier = 'all';
    else if (q === 'foranyvalue') qualifier = 'any';
    else throw new PolicyError('UnknownConditionOperator', path, `unknown set qualifier in ${operator}`);
  }
  let base = (parts[parts.length - 1] ?? '').toLowerCase();
  const ifExists = base.endsWith('ifexists') && base !== 'ifexists';
  if (ifExists) base = base.slice(0, -'ifexists'.length);
  if (base !== 'null' && !OPERATORS.has(base)) {
    throw new PolicyError('UnknownConditionOperator', path, `unknown operator ${operator}`);
  }
  return { qualifier, base, ifExists };
}

function conditionValues(raw: unknown, path: string): string[] {
  const list: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  return list.map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    const where = Array.isArray(raw) ? `${path}[${i}]` : path;
    throw new PolicyError(
      'InvalidConditionValue',
      where,
      'condition values are strings, numbers or booleans',
    );
  });
}

function nullValues(values: readonly string[], path: string): boolean[] {
  return values.map((v) => {
    const l = v.toLowerCase();
    if (l !== 'true' && l !== 'false')
      throw new PolicyError('InvalidConditionValue', path, 'Null takes true or false');
    return l === 'true';
  });
}

class NullTest implements CompiledCondition {
  constructor(
    private readonly key: string,
    private readonly keyLower: string,
    private readonly wantAbsent: readonly boolean[],
  ) {}
  test(ctx: ContextView): boolean {
    const absent = ctx.get(this.keyLower, this.key) === undefined;
    for (const w of this.wantAbsent) if (w === absent) return true;
    return false;
  }
}

class KeyTest implements CompiledCondition {
  constructor(
    private readonly key: string,
    private readonly keyLower: string,
    private readonly set: ValueSet,
    private readonly negated: boolean,
    private readonly ifExists: boolean,
    private readonly qualifier: Qualifier,
  ) {}

  test(ctx: ContextView): boolean {
    const v = ctx.get(this.keyLower, this.key);
    const q = this.qualifier;
    if (v === undefined) {
      if (q === 'all') return true;
      if (q === 'any') return this.ifExists;
      return this.ifExists || this.negated;
    }
    if (typeof v === 'string') return this.one(v, ctx);
    if (q === 'single') return false;
    if (q === 'all') {
      for (const x of v) if (!this.one(x, ctx)) return false;
      return true;
    }
    for (const x of v) if (this.one(x, ctx)) return true;
    return false;
  }

  private one(v: string, ctx: ContextView): boolean {
    return this.negated ? this.set.none(v, ctx) : this.set.any(v, ctx);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
