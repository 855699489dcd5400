/**
 * The lexical layer shared by every pattern in a policy: literals, IAM wildcards (`*` any run,
 * `?` one character) and policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
 * and the escapes `${*}`, `${?}`, `${$}` that stand for the literal character).
 */

export type Token =
  | { readonly t: 'lit'; readonly s: string }
  | { readonly t: 'star' }
  | { readonly t: 'one' }
  | {
      readonly t: 'var';
      readonly key: string;
      readonly keyLower: string;
      readonly fallback: string | undefined;
    };

export interface Syntax {
  /** `*` and `?` are wildcards (StringLike, ArnLike, Action, Resource) rather than literals. */
  readonly wildcards: boolean;
  /** `${...}` is a policy variable (policy Version 2012-10-17 only). */
  readonly variables: boolean;
}

const STAR: Token = { t: 'star' };
const ONE: Token = { t: 'one' };
const DEFAULTED = /^([^,]+?)\s*,\s*'([^']*)'\s*$/;

export function tokenize(src: string, syntax: Syntax): Token[] {
  const out: Token[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') out.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (syntax.wildcards && (c === '*' || c === '?')) {
      flush();
      out.push(c === '*' ? STAR : ONE);
      continue;
    }
    if (syntax.variables && c === '$' && src[i + 1] === '{') {
      const close = src.indexOf('}', i + 2);
      const inner = close < 0 ? '' : src.slice(i + 2, close).trim();
      if (inner === '') {
        lit += c;
        continue;
      }
      if (inner === '*' || inner === '?' || inner === '$') {
        lit += inner;
      } else {
        flush();
        const m = DEFAULTED.exec(inner);
        const key = m?.[1] ?? inner;
        out.push({ t: 'var', key, keyLower: key.toLowerCase(), fallback: m?.[2] });
      }
      i = close;
      continue;
    }
    lit += c;
  }
  flush();
  return out;
}

export function hasVariables(tokens: readonly Token[]): boolean {
  return tokens.some((tk) => tk.t === 'var');
}

export function hasWildcards(tokens: readonly Token[]): boolean {
  return tokens.some((tk) => tk.t === 'star' || tk.t === 'one');
}
