import type { ContextView } from './context-view';
import { compileMatcher, type Matcher } from './matcher';
import { tokenize, type Syntax, type Token } from './tokens';

/**
 * ARN patterns as IAM matches them: `arn:partition:service:region:account:resource`, the first
 * five fields matched field by field (a wildcard never crosses a `:`), the resource part (which
 * may itself hold colons) matched as a whole. Matching is case-sensitive.
 */
export interface ArnPattern {
  /** True or false; undefined when a policy variable in the pattern has no value. */
  test(arn: string, ctx: ContextView | undefined): boolean | undefined;
}

const STAR: Token = { t: 'star' };

/**
 * Compiles an ARN pattern; undefined when `src` is not ARN-shaped. With `padShort`, missing
 * trailing fields count as `*` (identity policies accept `arn:aws:s3` style prefixes).
 */
export function compileArnPattern(src: string, syntax: Syntax, padShort: boolean): ArnPattern | undefined {
  const fields = splitFields(tokenize(src, syntax));
  const head = fields[0];
  if (head?.length !== 1 || head[0]?.t !== 'lit' || head[0].s !== 'arn') return undefined;
  if (fields.length < 6) {
    if (!padShort) return undefined;
    while (fields.length < 6) fields.push([STAR]);
  }
  const matchers = fields.slice(1).map((f) => compileMatcher(f, false));
  return new FieldwiseArnPattern(matchers);
}

/** Splits on the first five `:` found in literal text (never inside a variable). */
function splitFields(tokens: readonly Token[]): Token[][] {
  const fields: Token[][] = [[]];
  for (const tk of tokens) {
    let current = fields[fields.length - 1] ?? [];
    if (tk.t !== 'lit' || fields.length === 6) {
      current.push(tk);
      continue;
    }
    let rest = tk.s;
    let colon = rest.indexOf(':');
    while (colon >= 0 && fields.length < 6) {
      if (colon > 0) current.push({ t: 'lit', s: rest.slice(0, colon) });
      current = [];
      fields.push(current);
      rest = rest.slice(colon + 1);
      colon = rest.indexOf(':');
    }
    if (rest !== '') current.push({ t: 'lit', s: rest });
  }
  return fields;
}

class FieldwiseArnPattern implements ArnPattern {
  constructor(private readonly fields: readonly Matcher[]) {}

  test(arn: string, ctx: ContextView | undefined): boolean | undefined {
    if (!arn.startsWith('arn:')) return false;
    let unknown = false;
    let start = 4;
    const fields = this.fields;
    for (let i = 0; i < 5; i++) {
      const m = fields[i];
      if (m === undefined) return false;
      const end = i === 4 ? arn.length : arn.indexOf(':', start);
      if (end < 0) return false;
      const r = m.test(arn, start, end, ctx);
      if (r === false) return false;
      if (r === undefined) unknown = true;
      start = end + 1;
    }
    return unknown ? undefined : true;
  }
}
