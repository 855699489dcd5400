import type { ContextView } from './context-view';
import { resolveVariable } from './template';
import type { Token } from './tokens';

/**
 * Compiled IAM wildcard matching (`*` any run including empty, `?` exactly one UTF-16 unit)
 * over a range of the input, so ARN segments match without slicing strings. Common shapes
 * (exact, `*`, `prefix*`, `*suffix`) get dedicated matchers; the rest use the split-on-star
 * algorithm, which is linear-ish and allocation-free for static patterns.
 */
export interface Matcher {
  /** True or false; undefined when a policy variable in the pattern has no value. */
  test(input: string, start: number, end: number, ctx: ContextView | undefined): boolean | undefined;
}

const ANY_ONE = 0;
type Atom = string | typeof ANY_ONE;
interface Piece {
  readonly atoms: readonly Atom[];
  readonly len: number;
}

/** `fold` makes ASCII letters match case-insensitively (IAM action names). */
export function compileMatcher(tokens: readonly Token[], fold: boolean): Matcher {
  if (tokens.some((tk) => tk.t === 'var')) return new TemplateMatcher(tokens, fold);
  const stars = tokens.filter((tk) => tk.t === 'star').length;
  const ones = tokens.some((tk) => tk.t === 'one');
  if (!ones) {
    const lits = tokens.filter((tk) => tk.t === 'lit').map((tk) => (tk.t === 'lit' ? tk.s : ''));
    if (stars === 0) return new ExactMatcher(lits.join(''), fold);
    if (stars === 1 && tokens.length === 1) return ANY;
    if (stars === 1 && tokens.length === 2) {
      if (tokens[1]?.t === 'star') return new PrefixMatcher(lits[0] ?? '', fold);
      if (tokens[0]?.t === 'star') return new SuffixMatcher(lits[0] ?? '', fold);
    }
  }
  return new GlobMatcher(splitPieces(tokens, undefined) ?? [], fold);
}

const ANY: Matcher = { test: () => true };

class ExactMatcher implements Matcher {
  constructor(
    private readonly lit: string,
    private readonly fold: boolean,
  ) {}
  test(input: string, start: number, end: number): boolean {
    return end - start === this.lit.length && litAt(input, start, this.lit, this.fold);
  }
}

class PrefixMatcher implements Matcher {
  constructor(
    private readonly lit: string,
    private readonly fold: boolean,
  ) {}
  test(input: string, start: number, end: number): boolean {
    return end - start >= this.lit.length && litAt(input, start, this.lit, this.fold);
  }
}

class SuffixMatcher implements Matcher {
  constructor(
    private readonly lit: string,
    private readonly fold: boolean,
  ) {}
  test(input: string, start: number, end: number): boolean {
    return end - start >= this.lit.length && litAt(input, end - this.lit.length, this.lit, this.fold);
  }
}

class GlobMatcher implements Matcher {
  constructor(
    private readonly pieces: readonly Piece[],
    private readonly fold: boolean,
  ) {}
  test(input: string, start: number, end: number): boolean {
    return globMatch(this.pieces, input, start, end, this.fold);
  }
}

class TemplateMatcher implements Matcher {
  constructor(
    private readonly tokens: readonly Token[],
    private readonly fold: boolean,
  ) {}
  test(input: string, start: number, end: number, ctx: ContextView | undefined): boolean | undefined {
    const pieces = splitPieces(this.tokens, ctx ?? null);
    return pieces === undefined ? undefined : globMatch(pieces, input, start, end, this.fold);
  }
}

/**
 * Splits tokens on `*` into fixed-length pieces. Variables resolve to literal text (a `*` in a
 * tag value is not a wildcard). `ctx` undefined means the tokens hold no variables.
 */
function splitPieces(tokens: readonly Token[], ctx: ContextView | null | undefined): Piece[] | undefined {
  const pieces: Piece[] = [];
  let atoms: Atom[] = [];
  let len = 0;
  for (const tk of tokens) {
    if (tk.t === 'star') {
      pieces.push({ atoms, len });
      atoms = [];
      len = 0;
    } else if (tk.t === 'one') {
      atoms.push(ANY_ONE);
      len += 1;
    } else {
      const s = tk.t === 'lit' ? tk.s : resolveVariable(tk, ctx ?? undefined);
      if (s === undefined) return undefined;
      atoms.push(s);
      len += s.length;
    }
  }
  pieces.push({ atoms, len });
  return pieces;
}

function globMatch(
  pieces: readonly Piece[],
  input: string,
  start: number,
  end: number,
  fold: boolean,
): boolean {
  const first = pieces[0];
  if (first === undefined) return start === end;
  if (pieces.length === 1) return end - start === first.len && pieceAt(first, input, start, fold);
  const last = pieces[pieces.length - 1] ?? first;
  if (end - start < first.len + last.len) return false;
  if (!pieceAt(first, input, start, fold)) return false;
  const tailStart = end - last.len;
  if (!pieceAt(last, input, tailStart, fold)) return false;
  let pos = start + first.len;
  // Leftmost placement of each middle piece is optimal: pieces have fixed length.
  for (let i = 1; i < pieces.length - 1; i++) {
    const p = pieces[i];
    if (p === undefined) return false;
    let q = pos;
    while (q + p.len <= tailStart && !pieceAt(p, input, q, fold)) q++;
    if (q + p.len > tailStart) return false;
    pos = q + p.len;
  }
  return true;
}

/** Caller guarantees `pos + piece.len` is within the range being matched. */
function pieceAt(piece: Piece, input: string, pos: number, fold: boolean): boolean {
  for (const atom of piece.atoms) {
    if (atom === ANY_ONE) {
      pos += 1;
      continue;
    }
    if (!litAt(input, pos, atom, fold)) return false;
    pos += atom.length;
  }
  return true;
}

function litAt(input: string, pos: number, lit: string, fold: boolean): boolean {
  if (!fold) return input.startsWith(lit, pos);
  for (let k = 0; k < lit.length; k++) {
    const a = input.charCodeAt(pos + k);
    const b = lit.charCodeAt(k);
    if (a !== b) {
      const la = a | 32;
      if (la !== (b | 32) || la < 97 || la > 122) return false;
    }
  }
  return true;
}
