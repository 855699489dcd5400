import { normalise, PatternError, type AssertKind, type Ranges, type RegexNode } from './regex-parse';
import { OP_ASSERT, OP_CHAR, OP_JMP, OP_MATCH, OP_SPLIT } from './regex-vm';

/**
 * Compiles a parsed pattern to a Thompson-NFA program for the linear matcher (regex-vm.ts).
 * Counted repetitions are expanded, so the program size is what bounds the matcher's work per
 * input character; patterns that expand past MAX_PROGRAM are refused.
 */

export const MAX_PROGRAM = 1000;

export const ASSERTS: readonly AssertKind[] = ['bol', 'eol', 'word', 'nonword'];

/** Membership test for one set: a bitmap for ASCII, ranges above it. */
export class CharSet {
  private readonly ascii = new Uint8Array(128);
  private readonly high: Int32Array;

  constructor(readonly ranges: Ranges) {
    const high: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const lo = ranges[i] ?? 0;
      const hi = ranges[i + 1] ?? 0;
      for (let k = lo; k <= Math.min(hi, 127); k++) this.ascii[k] = 1;
      if (hi >= 128) high.push(Math.max(lo, 128), hi);
    }
    this.high = Int32Array.from(high);
  }

  has(code: number): boolean {
    if (code < 128) return this.ascii[code] === 1;
    const h = this.high;
    let lo = 0;
    let hi = h.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (code < (h[mid * 2] ?? 0)) hi = mid - 1;
      else if (code > (h[mid * 2 + 1] ?? 0)) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

export interface Program {
  readonly op: Int8Array;
  /** CHAR: set index; SPLIT/JMP: preferred target; ASSERT: index in ASSERTS. */
  readonly a: Int32Array;
  /** SPLIT: the other target. */
  readonly b: Int32Array;
  readonly sets: readonly CharSet[];
  /** 1 for each code unit that can start a match; undefined when the pattern can match empty. */
  readonly first: Uint8Array | undefined;
  /** Literal text every match starts with (found with indexOf), or ''. */
  readonly prefix: string;
}

class Emitter {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly sets: CharSet[] = [];
  private readonly setIndex = new Map<Ranges, number>();

  emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= MAX_PROGRAM)
      throw new PatternError(
        `the pattern is too large once its {n,m} repetitions are expanded (over ${MAX_PROGRAM} steps); use smaller counts`,
      );
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  node(n: RegexNode): void {
    switch (n.t) {
      case 'set': {
        let idx = this.setIndex.get(n.ranges);
        if (idx === undefined) {
          idx = this.sets.length;
          this.sets.push(new CharSet(n.ranges));
          this.setIndex.set(n.ranges, idx);
        }
        this.emit(OP_CHAR, idx);
        return;
      }
      case 'assert':
        this.emit(OP_ASSERT, ASSERTS.indexOf(n.kind));
        return;
      case 'cat':
        for (const item of n.items) this.node(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.items.forEach((item, k) => {
          if (k === n.items.length - 1) return this.node(item);
          const split = this.emit(OP_SPLIT, 0, 0);
          this.a[split] = this.op.length;
          this.node(item);
          jumps.push(this.emit(OP_JMP));
          this.b[split] = this.op.length;
        });
        for (const j of jumps) this.a[j] = this.op.length;
        return;
      }
      case 'rep':
        this.rep(n.node, n.min, n.max, n.greedy);
        return;
    }
  }

  /** A SPLIT whose preferred branch is `body` when greedy, `out` when lazy. */
  private split(): number {
    return this.emit(OP_SPLIT);
  }

  private patch(split: number, body: number, out: number, greedy: boolean): void {
    this.a[split] = greedy ? body : out;
    this.b[split] = greedy ? out : body;
  }

  private rep(node: RegexNode, min: number, max: number, greedy: boolean): void {
    for (let k = 0; k < min; k++) this.node(node);
    if (max === Infinity) {
      const loop = this.split();
      this.node(node);
      this.emit(OP_JMP, loop);
      this.patch(loop, loop + 1, this.op.length, greedy);
      return;
    }
    const splits: number[] = [];
    for (let k = min; k < max; k++) {
      splits.push(this.split());
      this.node(node);
    }
    for (const s of splits) this.patch(s, s + 1, this.op.length, greedy);
  }
}

/** The code units any match can start with (assertions assumed to hold), or undefined if it can be empty. */
function firstSet(op: number[], a: number[], b: number[], sets: readonly CharSet[]): Uint8Array | undefined {
  const seen = new Set<number>();
  const stack = [0];
  const ranges: number[] = [];
  while (stack.length > 0) {
    const pc = stack.pop() as number;
    if (seen.has(pc)) continue;
    seen.add(pc);
    switch (op[pc]) {
      case OP_MATCH:
        return undefined;
      case OP_CHAR:
        ranges.push(...(sets[a[pc] ?? 0]?.ranges ?? []));
        break;
      case OP_SPLIT:
        stack.push(a[pc] ?? 0, b[pc] ?? 0);
        break;
      case OP_JMP:
        stack.push(a[pc] ?? 0);
        break;
      case OP_ASSERT:
        stack.push(pc + 1);
        break;
    }
  }
  const table = new Uint8Array(0x10000);
  const merged = normalise(ranges);
  for (let i = 0; i < merged.length; i += 2) table.fill(1, merged[i], (merged[i + 1] ?? 0) + 1);
  return table;
}

/** The literal code units a match must begin with (leading assertions skipped). */
function literalPrefix(root: RegexNode): string {
  const items = root.t === 'cat' ? root.items : [root];
  let out = '';
  for (const n of items) {
    if (n.t === 'assert' && out === '') continue;
    if (n.t !== 'set' || n.ranges.length !== 2 || n.ranges[0] !== n.ranges[1]) break;
    out += String.fromCharCode(n.ranges[0] ?? 0);
  }
  return out;
}

export function compileProgram(root: RegexNode): Program {
  const e = new Emitter();
  e.node(root);
  e.emit(OP_MATCH);
  return {
    op: Int8Array.from(e.op),
    a: Int32Array.from(e.a),
    b: Int32Array.from(e.b),
    sets: e.sets,
    first: firstSet(e.op, e.a, e.b, e.sets),
    prefix: literalPrefix(root),
  };
}
