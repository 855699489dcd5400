/**
 * A tokenizer for PartiQL as DynamoDB reads it, strict on purpose: the gateway decides a
 * statement by the table it names, so anything two PartiQL lexers could read differently is
 * refused rather than read one way. It follows the PartiQL reference lexer (partiql-lang-kotlin
 * `PartiQLTokens.g4`): whitespace is space, tab, CR and LF; `--` comments end at CR or LF; `/* *\/`
 * comments do not nest; `'…'` strings and `"…"` quoted identifiers escape their quote by doubling
 * it; unquoted identifiers are `[A-Za-z_$][A-Za-z0-9_$]*` and keywords are matched without case.
 *
 * Refused (DynamoDB either rejects them or lexers disagree on them): backtick Ion literals (not
 * supported by DynamoDB), characters outside the token classes, a `/*` inside a block comment, a
 * comment that does not follow whitespace (newer grammars read `*\/*` as an operator), line
 * breaks other than CR/LF inside a line comment, and unterminated strings, identifiers or comments.
 */

export type PartiqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface PartiqlToken {
  readonly kind: PartiqlTokenKind;
  /** `word`/`number`/`punct`: the text as written; `quoted`/`string`: the value, quotes undone. */
  readonly text: string;
  /** Offset of the token's first character in the statement. */
  readonly offset: number;
}

export type PartiqlTokens =
  | { readonly ok: true; readonly tokens: readonly PartiqlToken[] }
  | { readonly ok: false; readonly reason: string; readonly offset: number };

const PUNCT = '()[]{},.:;?*+-/%=<>!|&^~@#';
/** Characters some lexers take as a line end; inside a `--` comment they make its end ambiguous. */
const OTHER_LINE_BREAKS = new Set([0x0b, 0x0c, 0x85, 0x2028, 0x2029]);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWordStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x24;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c);
}

class Refused extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

function codePoint(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `'…'` or `"…"` starting at `i`; the doubled quote stands for itself. Returns [value, end]. */
function quoted(text: string, i: number, q: string, what: string): [string, number] {
  const parts: string[] = [];
  let from = i + 1;
  for (;;) {
    const close = text.indexOf(q, from);
    if (close < 0) throw new Refused(`unterminated ${what}`, i);
    if (text[close + 1] === q) {
      // The doubled quote stands for one: keep the first, skip the second.
      parts.push(text.slice(from, close + 1));
      from = close + 2;
      continue;
    }
    parts.push(text.slice(from, close));
    return [parts.join(''), close + 1];
  }
}

/** `DIGIT+ ('.' DIGIT*)? | '.' DIGIT+`, then an optional exponent that has digits. */
function numberEnd(text: string, i: number): number {
  let j = i;
  while (isDigit(text.charCodeAt(j))) j++;
  if (text[j] === '.') {
    j++;
    while (isDigit(text.charCodeAt(j))) j++;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    let k = j + 1;
    if (text[k] === '+' || text[k] === '-') k++;
    if (isDigit(text.charCodeAt(k))) {
      while (isDigit(text.charCodeAt(k))) k++;
      j = k;
    }
  }
  return j;
}

function lineCommentEnd(text: string, i: number): number {
  let j = i + 2;
  while (j < text.length && text[j] !== '\r' && text[j] !== '\n') {
    if (OTHER_LINE_BREAKS.has(text.charCodeAt(j))) {
      throw new Refused(
        `a line comment holds ${codePoint(text, j)}, which some readers take as a line end`,
        j,
      );
    }
    j++;
  }
  return j;
}

function blockCommentEnd(text: string, i: number): number {
  const close = text.indexOf('*/', i + 2);
  if (close < 0) throw new Refused('unterminated block comment', i);
  const nested = text.indexOf('/*', i + 2);
  if (nested >= 0 && nested < close) {
    throw new Refused('a block comment opens another one inside it (readers disagree on nesting)', nested);
  }
  return close + 2;
}

function tokenize(text: string): PartiqlToken[] {
  const tokens: PartiqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const c = text[i] ?? '';
    if (isSpace(code)) {
      i++;
      continue;
    }
    const opensComment = (c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*');
    if (opensComment) {
      if (i > 0 && !isSpace(text.charCodeAt(i - 1))) {
        throw new Refused(
          'a comment must follow whitespace (readers disagree on comments glued to tokens)',
          i,
        );
      }
      i = c === '-' ? lineCommentEnd(text, i) : blockCommentEnd(text, i);
      continue;
    }
    if (c === "'" || c === '"') {
      const [value, end] = quoted(text, i, c, c === "'" ? 'string literal' : 'quoted identifier');
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text: value, offset: i });
      i = end;
    } else if (isWordStart(code)) {
      let j = i + 1;
      while (isWordPart(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), offset: i });
      i = j;
    } else if (isDigit(code) || (c === '.' && isDigit(text.charCodeAt(i + 1)))) {
      const j = numberEnd(text, i);
      tokens.push({ kind: 'number', text: text.slice(i, j), offset: i });
      i = j;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, offset: i });
      i++;
    } else if (c === '`') {
      throw new Refused('backtick (Ion) literals are not supported by DynamoDB', i);
    } else {
      throw new Refused(`unexpected character ${codePoint(text, i)}`, i);
    }
  }
  return tokens;
}

/** The tokens of a statement, comments and whitespace dropped; or why it cannot be read. */
export function tokenizePartiql(text: string): PartiqlTokens {
  try {
    return { ok: true, tokens: tokenize(text) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.reason, offset: e.offset };
    throw e;
  }
}

/** A keyword test that ignores case (ASCII only: words are ASCII by construction). */
export function isKeyword(token: PartiqlToken | undefined, keywords: ReadonlySet<string>): boolean {
  return token?.kind === 'word' && token.text.length <= 9 && keywords.has(token.text.toUpperCase());
}
