import type { Program } from './regex-program';

// Op codes live here, where the hot loop reads them as plain locals (imported bindings can compile
// to property reads).
export const OP_CHAR = 0;
export const OP_SPLIT = 1;
export const OP_JMP = 2;
export const OP_ASSERT = 3;
export const OP_MATCH = 4;

/**
 * A Pike VM: runs a compiled pattern over a text with every live thread advanced one code unit at
 * a time, so the work is at most (program size × text length), whatever the pattern. Matches are
 * leftmost-first (as JavaScript's `String.prototype.replace` with /g finds them). Each run also has
 * a step budget: a pattern that would cost more than that on a value is reported as exhausted,
 * and the caller masks the whole value instead (fail closed) rather than spend more time on it.
 */

interface ThreadList {
  readonly pcs: Int32Array;
  readonly starts: Int32Array;
  len: number;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

const isWord = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

function holds(kind: number, text: string, pos: number): boolean {
  switch (kind) {
    case 0:
      return pos === 0;
    case 1:
      return pos === text.length;
    default: {
      const before = pos > 0 && isWord(text.charCodeAt(pos - 1));
      const after = pos < text.length && isWord(text.charCodeAt(pos));
      return (before !== after) === (kind === 2);
    }
  }
}

export class PikeVm {
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private readonly lists: readonly [ThreadList, ThreadList];
  private gen = 0;
  /** Steps left in the current run; below zero means exhausted. */
  private left = 0;

  constructor(private readonly prog: Program) {
    const m = prog.op.length;
    this.mark = new Int32Array(m);
    this.stack = new Int32Array(2 * m + 2);
    const list = (): ThreadList => ({ pcs: new Int32Array(m), starts: new Int32Array(m), len: 0 });
    this.lists = [list(), list()];
  }

  /** Adds the thread at `pc0` and everything reachable without consuming input, in priority order. */
  private add(list: ThreadList, pc0: number, start: number, pos: number, gen: number, text: string): void {
    const { op, a, b } = this.prog;
    const { mark, stack } = this;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp] as number;
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      this.left--;
      switch (op[pc]) {
        case OP_JMP:
          stack[sp++] = a[pc] as number;
          break;
        case OP_SPLIT:
          stack[sp++] = b[pc] as number;
          stack[sp++] = a[pc] as number;
          break;
        case OP_ASSERT:
          if (holds(a[pc] as number, text, pos)) stack[sp++] = pc + 1;
          break;
        default:
          list.pcs[list.len] = pc;
          list.starts[list.len++] = start;
      }
    }
  }

  /** The leftmost-first match at or after `from`; undefined if none; 'exhausted' past the budget. */
  private search(text: string, from: number): Span | undefined | 'exhausted' {
    const { op, a, sets, first, prefix } = this.prog;
    const n = text.length;
    let clist = this.lists[0];
    let nlist = this.lists[1];
    clist.len = 0;
    let gen = ++this.gen;
    let matchStart = -1;
    let matchEnd = -1;
    for (let pos = from; ; pos++) {
      if (matchStart < 0) {
        if (clist.len === 0) {
          if (prefix.length > 1) {
            pos = text.indexOf(prefix, pos);
            if (pos < 0) return undefined;
          } else if (first) {
            while (pos < n && first[text.charCodeAt(pos)] === 0) pos++;
            if (pos >= n) return undefined;
          }
          gen = ++this.gen;
        }
        this.add(clist, 0, pos, pos, gen, text);
      }
      if (clist.len === 0) {
        if (matchStart >= 0 || pos >= n) break;
        continue;
      }
      const ch = pos < n ? text.charCodeAt(pos) : -1;
      const ngen = ++this.gen;
      nlist.len = 0;
      for (let i = 0; i < clist.len; i++) {
        const pc = clist.pcs[i] as number;
        if (op[pc] === OP_MATCH) {
          // Threads after this one have lower priority: the match cuts them.
          matchStart = clist.starts[i] as number;
          matchEnd = pos;
          break;
        }
        if (op[pc] === OP_CHAR && ch >= 0 && sets[a[pc] as number]?.has(ch))
          this.add(nlist, pc + 1, clist.starts[i] as number, pos + 1, ngen, text);
      }
      this.left -= clist.len;
      if (this.left < 0) return 'exhausted';
      const swap = clist;
      clist = nlist;
      nlist = swap;
      gen = ngen;
      if (pos >= n) break;
    }
    return matchStart < 0 ? undefined : { start: matchStart, end: matchEnd };
  }

  /**
   * Every non-empty, non-overlapping match, leftmost first, replaced by `fn(match)`. Returns
   * undefined when the run needed more than `budget` steps.
   */
  replaceAll(
    text: string,
    fn: (match: string) => string,
    budget: number,
  ): { readonly text: string; readonly count: number } | undefined {
    this.left = budget;
    let out = '';
    let at = 0;
    let from = 0;
    let count = 0;
    while (from <= text.length) {
      const m = this.search(text, from);
      if (m === 'exhausted') return undefined;
      if (!m) break;
      if (m.end === m.start) {
        from = m.start + 1;
        continue;
      }
      out += text.slice(at, m.start) + fn(text.slice(m.start, m.end));
      at = m.end;
      from = m.end;
      count++;
    }
    return { text: count > 0 ? out + text.slice(at) : text, count };
  }
}
