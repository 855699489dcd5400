/**
 * Parser for the workspace's mask-rule patterns: JavaScript regular expression syntax (no flags,
 * so code units, as `new RegExp(p)` reads it), minus what cannot run in linear time
 * (backreferences, lookarounds). The tree it returns is compiled for the linear matcher in
 * regex-program.ts; nothing here ever runs V8's backtracking engine on a body.
 */

/** Sorted, non-overlapping inclusive code-unit ranges: [lo0, hi0, lo1, hi1, …]. */
export type Ranges = readonly number[];

export type RegexNode =
  | { readonly t: 'set'; readonly ranges: Ranges }
  | { readonly t: 'assert'; readonly kind: AssertKind }
  | { readonly t: 'cat'; readonly items: readonly RegexNode[] }
  | { readonly t: 'alt'; readonly items: readonly RegexNode[] }
  | {
      readonly t: 'rep';
      readonly node: RegexNode;
      readonly min: number;
      readonly max: number;
      readonly greedy: boolean;
    };

export type AssertKind = 'bol' | 'eol' | 'word' | 'nonword';

/** A pattern the linear matcher does not accept, with a message for the policy file's author. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

const MAX_CODE = 0xffff;

/** Sorts and merges inclusive ranges given as flat pairs. */
export function normalise(pairs: readonly number[]): number[] {
  const list: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) list.push([pairs[i] ?? 0, pairs[i + 1] ?? 0]);
  list.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of list) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function negate(r: Ranges): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = (r[i + 1] ?? 0) + 1;
  }
  if (next <= MAX_CODE) out.push(next, MAX_CODE);
  return out;
}

const c = (s: string): number => s.charCodeAt(0);
export const DIGIT: Ranges = [c('0'), c('9')];
export const WORD: Ranges = normalise([c('0'), c('9'), c('A'), c('Z'), c('_'), c('_'), c('a'), c('z')]);
const SPACE: Ranges = normalise([
  9, 13, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f,
  0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
const DOT: Ranges = negate(normalise([10, 10, 13, 13, 0x2028, 0x2029]));

const CLASS_ESCAPES: Readonly<Record<string, Ranges>> = {
  d: DIGIT,
  D: negate(DIGIT),
  w: WORD,
  W: negate(WORD),
  s: SPACE,
  S: negate(SPACE),
};

const CONTROL: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isHex = (s: string): boolean => /^[0-9a-fA-F]+$/.test(s);

class Parser {
  private i = 0;
  private groups = 0;

  constructor(private readonly src: string) {}

  parse(): RegexNode {
    const node = this.alternation();
    if (this.i < this.src.length) throw new PatternError(`unexpected "${this.src[this.i]}" at ${this.i}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): RegexNode {
    const items = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? (items[0] as RegexNode) : { t: 'alt', items };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === '|' || ch === ')') break;
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { t: 'cat', items };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor, or undefined (then `{` is a literal, as in JS). */
  private braces(): { min: number; max: number; len: number } | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i, this.i + 24));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, len: m[0].length };
  }

  private quantified(atom: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const ch = this.peek();
    if (ch === '*' || ch === '+' || ch === '?') {
      min = ch === '+' ? 1 : 0;
      max = ch === '?' ? 1 : Infinity;
      this.i++;
    } else if (ch === '{') {
      const b = this.braces();
      if (!b) return atom;
      ({ min, max } = b);
      this.i += b.len;
    } else return atom;
    if (min > max) throw new PatternError('numbers out of order in a {} quantifier');
    let greedy = true;
    if (this.peek() === '?') {
      greedy = false;
      this.i++;
    }
    return { t: 'rep', node: atom, min, max, greedy };
  }

  private atom(): RegexNode {
    const ch = this.src[this.i++] as string;
    switch (ch) {
      case '^':
        return { t: 'assert', kind: 'bol' };
      case '$':
        return { t: 'assert', kind: 'eol' };
      case '.':
        return { t: 'set', ranges: DOT };
      case '[':
        return { t: 'set', ranges: this.charClass() };
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
        throw new PatternError(`nothing to repeat at ${this.i - 1}`);
      case '{':
        this.i--;
        if (this.braces()) throw new PatternError(`nothing to repeat at ${this.i}`);
        this.i++;
        return { t: 'set', ranges: [c('{'), c('{')] };
      default:
        return { t: 'set', ranges: [c(ch), c(ch)] };
    }
  }

  private group(): RegexNode {
    if (this.src.startsWith('?:', this.i)) this.i += 2;
    else if (
      /^\?<[=!]/.test(this.src.slice(this.i, this.i + 3)) ||
      /^\?[=!]/.test(this.src.slice(this.i, this.i + 2))
    )
      throw new PatternError('lookahead and lookbehind are not supported (they cannot run in linear time)');
    else if (this.src.startsWith('?<', this.i)) {
      const close = this.src.indexOf('>', this.i);
      if (close < 0) throw new PatternError('unterminated group name');
      this.i = close + 1;
      this.groups++;
    } else if (this.peek() === '?') throw new PatternError(`invalid group at ${this.i - 1}`);
    else this.groups++;
    const inner = this.alternation();
    if (this.peek() !== ')') throw new PatternError('unterminated group');
    this.i++;
    return inner;
  }

  /** A code unit escape shared by atoms and classes (`\t`, `\x41`, `\u0041`, `\cJ`, `\0`, identity). */
  private charEscape(ch: string): number {
    if (ch in CONTROL) return CONTROL[ch] as number;
    if (ch === '0' && !isDigit(this.peek())) return 0;
    if (ch === 'x' || ch === 'u') {
      const len = ch === 'x' ? 2 : 4;
      const hex = this.src.slice(this.i, this.i + len);
      if (hex.length === len && isHex(hex)) {
        this.i += len;
        return parseInt(hex, 16);
      }
      return c(ch);
    }
    if (ch === 'c') {
      const l = this.peek();
      if (l !== undefined && /[A-Za-z]/.test(l)) {
        this.i++;
        return c(l) % 32;
      }
      this.i--;
      return c('\\');
    }
    if (isDigit(ch))
      throw new PatternError('backreferences and octal escapes are not supported (write the characters out)');
    return c(ch);
  }

  private escape(): RegexNode {
    const ch = this.src[this.i++];
    if (ch === undefined) throw new PatternError('\\ at the end of the pattern');
    if (ch === 'b') return { t: 'assert', kind: 'word' };
    if (ch === 'B') return { t: 'assert', kind: 'nonword' };
    const cls = CLASS_ESCAPES[ch];
    if (cls) return { t: 'set', ranges: cls };
    if (ch === 'k' && this.peek() === '<')
      throw new PatternError('named backreferences are not supported (they cannot run in linear time)');
    const code = this.charEscape(ch);
    return { t: 'set', ranges: [code, code] };
  }

  /** One class atom: a code unit, or a predefined set (`\d` and the like) that cannot bound a range. */
  private classAtom(): number | Ranges {
    const ch = this.src[this.i++];
    if (ch === undefined) throw new PatternError('unterminated character class');
    if (ch !== '\\') return c(ch);
    const e = this.src[this.i++];
    if (e === undefined) throw new PatternError('unterminated character class');
    const cls = CLASS_ESCAPES[e];
    if (cls) return cls;
    if (e === 'b') return 8;
    if (e === '-') return c('-');
    return this.charEscape(e);
  }

  private charClass(): Ranges {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    const pairs: number[] = [];
    while (this.peek() !== ']') {
      if (this.peek() === undefined) throw new PatternError('unterminated character class');
      const from = this.classAtom();
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const to = this.classAtom();
        if (typeof from === 'number' && typeof to === 'number') {
          if (from > to) throw new PatternError('range out of order in character class');
          pairs.push(from, to);
          continue;
        }
        // `[\d-z]`: JS reads the dash literally when a side is a set.
        pairs.push(c('-'), c('-'));
        for (const side of [from, to])
          if (typeof side === 'number') pairs.push(side, side);
          else pairs.push(...side);
        continue;
      }
      if (typeof from === 'number') pairs.push(from, from);
      else pairs.push(...from);
    }
    this.i++;
    const ranges = normalise(pairs);
    return negated ? negate(ranges) : ranges;
  }
}

/** Parses a pattern (already accepted by `new RegExp`) into a tree, or throws PatternError. */
export function parseRegex(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}
