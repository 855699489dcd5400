import { UNKNOWN_ACCOUNT } from '../aws/unknown-account';
import type { ContextView } from './context-view';
import { compileMatcher, type Matcher } from './matcher';
import { tokenize, type Syntax, type Token } from './tokens';

/**
 * A pattern names an account and the ARN's account is not known yet (UNKNOWN_ACCOUNT): whether
 * the statement applies is up to the statement (see evaluate.ts), never to the marker's text.
 */
export const ACCOUNT_UNKNOWN = 'account-unknown';

/** True, false, undefined (a policy variable has no value) or ACCOUNT_UNKNOWN. */
export type ArnMatch = boolean | undefined | typeof ACCOUNT_UNKNOWN;

/**
 * ARN patterns as IAM matches them: `arn:partition:service:region:account:resource`, the first
 * five fields matched field by field (a wildcard never crosses a `:`), the resource part (which
 * may itself hold colons) matched as a whole. Matching is case-sensitive.
 */
export interface ArnPattern {
  test(arn: string, ctx: ContextView | undefined): ArnMatch;
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
  return new FieldwiseArnPattern(matchers, accountClass(fields[4] ?? []));
}

/** Which 12-digit account ids an account-field pattern matches: all of them, none, or some. */
type AccountClass = 'all' | 'none' | 'some';
const ACCOUNT_DIGITS = 12;

function accountClass(tokens: readonly Token[]): AccountClass {
  if (tokens.some((tk) => tk.t === 'var')) return 'some';
  const star = tokens.some((tk) => tk.t === 'star');
  let fixed = 0;
  let literal = false;
  for (const tk of tokens) {
    if (tk.t === 'one') fixed += 1;
    if (tk.t !== 'lit') continue;
    if (!/^\d*$/.test(tk.s)) return 'none';
    literal = true;
    fixed += tk.s.length;
  }
  if (star ? fixed > ACCOUNT_DIGITS : fixed !== ACCOUNT_DIGITS) return 'none';
  return literal ? 'some' : 'all';
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

const ACCOUNT_FIELD = 3;

class FieldwiseArnPattern implements ArnPattern {
  constructor(
    private readonly fields: readonly Matcher[],
    private readonly account: AccountClass,
  ) {}

  test(arn: string, ctx: ContextView | undefined): ArnMatch {
    if (!arn.startsWith('arn:')) return false;
    let unknown = false;
    let accountUnknown = false;
    let start = 4;
    const fields = this.fields;
    for (let i = 0; i < 5; i++) {
      const m = fields[i];
      if (m === undefined) return false;
      const end = i === 4 ? arn.length : arn.indexOf(':', start);
      if (end < 0) return false;
      let r: boolean | undefined;
      if (
        i === ACCOUNT_FIELD &&
        arn.startsWith(UNKNOWN_ACCOUNT, start) &&
        end - start === UNKNOWN_ACCOUNT.length
      ) {
        // Matched as the 12-digit id it stands for, never as its own text.
        if (this.account === 'none') return false;
        if (this.account === 'some') accountUnknown = true;
        r = true;
      } else r = m.test(arn, start, end, ctx);
      if (r === false) return false;
      if (r === undefined) unknown = true;
      start = end + 1;
    }
    return unknown ? undefined : accountUnknown ? ACCOUNT_UNKNOWN : true;
  }
}
