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

const Q = 0x22; // "
const BACKSLASH = 0x5c;

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function isHexLower(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66));
}

function isTypeChar(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x61 && b <= 0x7a) || b === 0x2e);
}

/** True when buf[at, at + text.length) is `text` (ASCII), within the envelope's end. */
function bytesAre(buf: Buffer, at: number, end: number, text: string): boolean {
  if (at + text.length > end) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
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
 * or `\`: exactly what ENVELOPE_TAIL accepts, with the same captures; undefined otherwise.
 * `prev` is `expectPrev` itself when the bytes spell it (the previous line's hash, shared).
 */
export function readEnvelope(
  buf: Buffer,
  at: number,
  end: number,
  expectPrev: string,
  strings: { readonly task: Interned; readonly ts: Interned; readonly type: Interned },
): EnvelopeFields | undefined {
  if (!bytesAre(buf, at, end, ',"prev":"')) return undefined;
  let p = at + 9;
  let same = expectPrev.length === 64;
  for (let i = 0; i < 64; i++) {
    const b = buf[p + i];
    if (!isHexLower(b)) return undefined;
    if (same && b !== expectPrev.charCodeAt(i)) same = false;
  }
  const prev = same ? expectPrev : buf.toString('latin1', p, p + 64);
  p += 64;
  if (!bytesAre(buf, p, end, '","seq":')) return undefined;
  p += 8;
  let seq = 0;
  const seqAt = p;
  while (p < end && isDigit(buf[p])) seq = seq * 10 + (buf[p++] ?? 0) - 0x30;
  if (p === seqAt || p - seqAt > 15 || !bytesAre(buf, p, end, ',"task":"')) return undefined;
  p += 9;
  const taskAt = p;
  while (p < end && buf[p] !== Q && buf[p] !== BACKSLASH) p++;
  if (p === taskAt || p - taskAt > 128 || !bytesAre(buf, p, end, '","ts":"')) return undefined;
  const task = strings.task.get(buf, taskAt, p);
  p += 8;
  const tsAt = p;
  while (p < end && buf[p] !== Q && buf[p] !== BACKSLASH) p++;
  if (p === tsAt || p - tsAt > 40 || !bytesAre(buf, p, end, '","type":"')) return undefined;
  const ts = strings.ts.get(buf, tsAt, p);
  p += 10;
  const typeAt = p;
  while (p < end && isTypeChar(buf[p])) p++;
  if (p === typeAt || p - typeAt > 40 || !bytesAre(buf, p, end, '","v":')) return undefined;
  const type = strings.type.get(buf, typeAt, p);
  p += 6;
  let v = 0;
  const vAt = p;
  while (p < end && isDigit(buf[p])) v = v * 10 + (buf[p++] ?? 0) - 0x30;
  if (p === vAt || p - vAt > 4 || p !== end) return undefined;
  return { prev, seq, task, ts, type, v };
}
