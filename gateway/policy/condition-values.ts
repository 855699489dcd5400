import { compileArnPattern, type ArnPattern } from './arn-pattern';
import type { ContextView } from './context-view';
import { cidrContains, parseCidr, type Cidr } from './ip';
import { compileMatcher, type Matcher } from './matcher';
import { resolveTemplate, toTemplate, type Template } from './template';
import { tokenize } from './tokens';

/**
 * The policy values of one condition key, compiled for one operator family. `any` is the
 * positive reading (some value matches); `none` is what negated operators need: every value
 * definitely does not match. An unresolvable policy variable or a request value that does not
 * parse as the operator's type is neither a match nor a definite mismatch, so it makes both false.
 */
export interface ValueSet {
  any(requestValue: string, ctx: ContextView): boolean;
  none(requestValue: string, ctx: ContextView): boolean;
}

/** Thrown (as a plain message) for a value the family cannot accept; the caller adds the path. */
export class BadValue extends Error {}

export function stringValues(values: readonly string[], variables: boolean, ignoreCase: boolean): ValueSet {
  const templates = values.map((v) =>
    toTemplate(tokenize(ignoreCase ? v.toLowerCase() : v, { wildcards: false, variables })),
  );
  if (templates.every((t) => t.kind === 'static')) {
    const set = new Set(templates.map((t) => (t.kind === 'static' ? t.value : '')));
    return ignoreCase
      ? { any: (v) => set.has(v.toLowerCase()), none: (v) => !set.has(v.toLowerCase()) }
      : { any: (v) => set.has(v), none: (v) => !set.has(v) };
  }
  return new DynamicStrings(templates, ignoreCase);
}

class DynamicStrings implements ValueSet {
  constructor(
    private readonly templates: readonly Template[],
    private readonly ignoreCase: boolean,
  ) {}
  any(v: string, ctx: ContextView): boolean {
    const probe = this.ignoreCase ? v.toLowerCase() : v;
    for (const t of this.templates) {
      const resolved = resolveTemplate(t, ctx);
      if (resolved !== undefined && (this.ignoreCase ? resolved.toLowerCase() : resolved) === probe)
        return true;
    }
    return false;
  }
  none(v: string, ctx: ContextView): boolean {
    const probe = this.ignoreCase ? v.toLowerCase() : v;
    for (const t of this.templates) {
      const resolved = resolveTemplate(t, ctx);
      if (resolved === undefined || (this.ignoreCase ? resolved.toLowerCase() : resolved) === probe)
        return false;
    }
    return true;
  }
}

export function likeValues(values: readonly string[], variables: boolean): ValueSet {
  const matchers = values.map((v) => compileMatcher(tokenize(v, { wildcards: true, variables }), false));
  return new MatcherSet(matchers);
}

class MatcherSet implements ValueSet {
  constructor(private readonly matchers: readonly Matcher[]) {}
  any(v: string, ctx: ContextView): boolean {
    for (const m of this.matchers) if (m.test(v, 0, v.length, ctx) === true) return true;
    return false;
  }
  none(v: string, ctx: ContextView): boolean {
    for (const m of this.matchers) if (m.test(v, 0, v.length, ctx) !== false) return false;
    return true;
  }
}

export type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseNumber(s: string): number | undefined {
  return NUMBER.test(s) ? Number(s) : undefined;
}

const EPOCH = /^[+-]?\d+$/;

/** ISO 8601 (and what Date.parse accepts), or epoch seconds as AWS documents. Milliseconds. */
export function parseDate(s: string): number | undefined {
  if (EPOCH.test(s)) return Number(s) * 1000;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

export function orderedValues(
  values: readonly string[],
  cmp: Comparison,
  parse: (s: string) => number | undefined,
  typeName: string,
): ValueSet {
  const nums = values.map((v) => {
    const n = parse(v);
    if (n === undefined) throw new BadValue(`"${v}" is not a ${typeName}`);
    return n;
  });
  return new OrderedSet(nums, cmp, parse);
}

class OrderedSet implements ValueSet {
  constructor(
    private readonly nums: readonly number[],
    private readonly cmp: Comparison,
    private readonly parse: (s: string) => number | undefined,
  ) {}
  any(v: string): boolean {
    const x = this.parse(v);
    if (x === undefined) return false;
    for (const n of this.nums) if (compare(x, n, this.cmp)) return true;
    return false;
  }
  none(v: string): boolean {
    const x = this.parse(v);
    if (x === undefined) return false;
    for (const n of this.nums) if (compare(x, n, this.cmp)) return false;
    return true;
  }
}

/** `request <cmp> policy`, e.g. NumericLessThan holds when the request value is smaller. */
function compare(request: number, policy: number, cmp: Comparison): boolean {
  switch (cmp) {
    case 'eq':
      return request === policy;
    case 'lt':
      return request < policy;
    case 'le':
      return request <= policy;
    case 'gt':
      return request > policy;
    case 'ge':
      return request >= policy;
  }
}

export function boolValues(values: readonly string[], variables: boolean): ValueSet {
  const templates = values.map((v) => toTemplate(tokenize(v, { wildcards: false, variables })));
  for (const t of templates) {
    if (t.kind === 'static' && asBool(t.value) === undefined) {
      throw new BadValue(`"${t.value}" is not true or false`);
    }
  }
  return new BoolSet(templates);
}

class BoolSet implements ValueSet {
  constructor(private readonly templates: readonly Template[]) {}
  any(v: string, ctx: ContextView): boolean {
    for (const t of this.templates) if (boolMatch(v, t, ctx) === true) return true;
    return false;
  }
  none(v: string, ctx: ContextView): boolean {
    for (const t of this.templates) if (boolMatch(v, t, ctx) !== false) return false;
    return true;
  }
}

function boolMatch(v: string, t: Template, ctx: ContextView): boolean | undefined {
  const want = asBool(resolveTemplate(t, ctx));
  const got = asBool(v);
  return want === undefined || got === undefined ? undefined : want === got;
}

export function asBool(s: string | undefined): boolean | undefined {
  if (s === undefined) return undefined;
  const l = s.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

export function ipValues(values: readonly string[]): ValueSet {
  const blocks: Cidr[] = values.map((v) => {
    const c = parseCidr(v);
    if (c === undefined) throw new BadValue(`"${v}" is not an IP address or CIDR block`);
    return c;
  });
  return new IpSet(blocks);
}

class IpSet implements ValueSet {
  constructor(private readonly blocks: readonly Cidr[]) {}
  any(v: string): boolean {
    for (const b of this.blocks) if (cidrContains(b, v) === true) return true;
    return false;
  }
  none(v: string): boolean {
    for (const b of this.blocks) if (cidrContains(b, v) !== false) return false;
    return true;
  }
}

export function arnValues(values: readonly string[], variables: boolean): ValueSet {
  const patterns: ArnPattern[] = values.map((v) => {
    const p = compileArnPattern(v, { wildcards: true, variables }, false);
    if (p === undefined)
      throw new BadValue(`"${v}" is not an ARN (arn:partition:service:region:account:resource)`);
    return p;
  });
  return new ArnSet(patterns);
}

class ArnSet implements ValueSet {
  constructor(private readonly patterns: readonly ArnPattern[]) {}
  any(v: string, ctx: ContextView): boolean {
    for (const p of this.patterns) if (p.test(v, ctx) === true) return true;
    return false;
  }
  none(v: string, ctx: ContextView): boolean {
    if (!isArn(v)) return false;
    for (const p of this.patterns) if (p.test(v, ctx) !== false) return false;
    return true;
  }
}

/** A request value with fewer than six fields is not an ARN: no definite mismatch either. */
function isArn(v: string): boolean {
  let colons = 0;
  for (let i = 0; i < v.length && colons < 5; i++) if (v.charCodeAt(i) === 58) colons++;
  return colons === 5 && v.startsWith('arn:');
}

export function binaryValues(values: readonly string[]): ValueSet {
  const set = new Set(values);
  return { any: (v) => set.has(v), none: (v) => !set.has(v) };
}
