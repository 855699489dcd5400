/**
 * Reading a line's envelope straight from its bytes: what ENVELOPE_TAIL (scan-lines.ts) matches,
 * without decoding the envelope to a string and running a regex over it (which was a fifth of a
 * journal read), and without a new string for what repeats on every line.
 */

export interface EnvelopeFields {
  readonly prev: string;
  readonly seq: number;
  readonly task: string;
  readonly ts: string;
  readonly type: string;
  readonly v: number;
}

const PREV = Buffer.from(',"prev":"');
const SEQ = Buffer.from('","seq":');
const TASK = Buffer.from(',"task":"');
const TS = Buffer.from('","ts":"');
const TYPE = Buffer.from('","type":"');
const V = Buffer.from('","v":');

// Byte loops kept flat (no helpers taking `number | undefined`): this runs on every line.

/** True when buf[at, at + lit.length) is `lit`, within the envelope's end. */
function bytesAre(buf: Buffer, at: number, end: number, lit: Buffer): boolean {
  const n = lit.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (buf[at + i] !== lit[i]) return false;
  return true;
}

/**
 * Strings a journal repeats (its task id, its few event types, a time shared by a batch): one
 * string each, not one per line. The cache is small and only ever looked at, never searched.
 */
export class Interned {
  private readonly seen: string[] = [];

  constructor(private readonly size: number) {}

  /** The latin1 text of buf[from, to), as the regex over a latin1 decoding would capture it. */
  get(buf: Buffer, from: number, to: number): string {
    const len = to - from;
    for (const s of this.seen) {
      if (s.length !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++)
        if (s.charCodeAt(i) !== buf[from + i]) {
          same = false;
          break;
        }
      if (same) return s;
    }
    const s = buf.toString('latin1', from, to);
    if (this.seen.length >= this.size) this.seen.pop();
    this.seen.unshift(s);
    return s;
  }
}

/**
 * The envelope `,"prev":"<64 hex>","seq":<1-15 digits>,"task":"<1-128>","ts":"<1-40>",
 * "type":"<1-40 of a-z.>","v":<1-4 digits>` spanning exactly buf[at, end), strings with no `"`
 * or `\`, and prev equal to `expectPrev` (the hash of the line before, 64 lowercase hex): what
 * ENVELOPE_TAIL accepts and then the chain check, with the same captures; undefined otherwise.
 * `prev` is `expectPrev` itself: the string the line before holds as its hash, not a copy.
 */
export function readEnvelope(
  buf: Buffer,
  at: number,
  end: number,
  expectPrev: string,
  strings: { readonly task: Interned; readonly ts: Interned; readonly type: Interned },
): EnvelopeFields | undefined {
  if (!bytesAre(buf, at, end, PREV)) return undefined;
  let p = at + 9;
  // Only a line that links to the one before can take the fast path, and what it links to is a
  // verified hash (lowercase hex): equal to it, prev is hex too, and no byte needs looking at.
  if (p + 64 > end || buf.toString('latin1', p, p + 64) !== expectPrev) return undefined;
  const prev = expectPrev;
  p += 64;
  if (!bytesAre(buf, p, end, SEQ)) return undefined;
  p += 8;
  let seq = 0;
  const seqAt = p;
  for (; p < end; p++) {
    const b = buf[p] as number;
    if (b < 0x30 || b > 0x39) break;
    seq = seq * 10 + b - 0x30;
  }
  if (p === seqAt || p - seqAt > 15 || !bytesAre(buf, p, end, TASK)) return undefined;
  p += 9;
  const taskAt = p;
  for (; p < end; p++) {
    const b = buf[p] as number;
    if (b === 0x22 || b === 0x5c) break;
  }
  if (p === taskAt || p - taskAt > 128 || !bytesAre(buf, p, end, TS)) return undefined;
  const taskEnd = p;
  p += 8;
  const tsAt = p;
  for (; p < end; p++) {
    const b = buf[p] as number;
    if (b === 0x22 || b === 0x5c) break;
  }
  if (p === tsAt || p - tsAt > 40 || !bytesAre(buf, p, end, TYPE)) return undefined;
  const tsEnd = p;
  p += 10;
  const typeAt = p;
  for (; p < end; p++) {
    const b = buf[p] as number;
    if (!((b >= 0x61 && b <= 0x7a) || b === 0x2e)) break;
  }
  if (p === typeAt || p - typeAt > 40 || !bytesAre(buf, p, end, V)) return undefined;
  const typeEnd = p;
  p += 6;
  let v = 0;
  const vAt = p;
  for (; p < end; p++) {
    const b = buf[p] as number;
    if (b < 0x30 || b > 0x39) break;
    v = v * 10 + b - 0x30;
  }
  if (p === vAt || p - vAt > 4 || p !== end) return undefined;
  return {
    prev,
    seq,
    task: strings.task.get(buf, taskAt, taskEnd),
    ts: strings.ts.get(buf, tsAt, tsEnd),
    type: strings.type.get(buf, typeAt, typeEnd),
    v,
  };
}
