import crypto, { createHash } from 'node:crypto';
import { type ChainFault, type ChainHead, checkLink, isFault } from './chain';
import { Interned, readEnvelope } from './envelope-bytes';
import { FORMAT_VERSION } from './events';

type Strings = Parameters<typeof readEnvelope>[4];

/**
 * The tail every canonical event has: after `data` (always the first key), the envelope keys in
 * sorted order. Anchored at the end, it can only match the top-level envelope (quotes inside
 * strings are escaped in JSON, and nested objects end before the envelope does).
 */
export const ENVELOPE_TAIL =
  /,"prev":"([0-9a-f]{64})","seq":(\d{1,15}),"task":"([^"\\]{1,128})","ts":"([^"\\]{1,40})","type":"([a-z.]{1,40})","v":(\d{1,4})$/;
const HASH_SUFFIX = Buffer.from(',"hash":"');
const SUFFIX_BYTES = HASH_SUFFIX.length + 64 + 2;
export const TAIL_WINDOW = 320;
const CLOSE = Buffer.from('}');
const PREV_MARK = Buffer.from(',"prev":"');
const BLANK_LINE = Buffer.from('\n\n');

/** The envelope of one event line, read without parsing its data. */
export interface LineEnvelope {
  readonly start: number;
  /** Offset of the line's newline. */
  readonly end: number;
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
  readonly type: string;
  readonly task: string;
  readonly v: number;
  /**
   * End of the canonical bytes before the hash suffix: the event's canonical JSON (what its hash
   * covers) is `buf[start, canonicalEnd)` followed by `}`. Undefined for lines of another layout.
   */
  readonly canonicalEnd?: number;
  /** The event's time (fast path only). */
  readonly ts?: string;
  /**
   * Fast path only: where the envelope begins; when the line starts with `{"data":`, the data
   * value is exactly `buf[start + 8, envelopeAt)` (data sorts first, the envelope follows it).
   */
  readonly envelopeAt?: number;
  /** The parsed event when the slow path had to parse it anyway. */
  readonly parsed?: unknown;
  /**
   * With `deferHashes`: the line was accepted without hashing it, and its reader must hold it to
   * `markHashedLines` before trusting it (fast path only).
   */
  readonly hashPending?: true;
}

export interface ScanResult {
  readonly head: ChainHead;
  /** Offset just past the last verified line (relative to the buffer). */
  readonly validBytes: number;
  readonly fault?: ChainFault;
  /** Everything after the verified part is one unterminated line (a write cut by a crash). */
  readonly tornTail: boolean;
  readonly lines: number;
  /**
   * Bytes before the journal's unwritten space (relative to the buffer): the buffer's length, or
   * where `unwrittenFrom` says the content ends.
   */
  readonly contentBytes: number;
  /** The buffer reached the journal's unwritten space: nothing after it is journal. */
  readonly reachedUnwritten: boolean;
}

/**
 * Where the journal's content ends in `buf` (which starts at a line boundary): at its first blank
 * line, or at the start of the line holding its first zero byte; -1 when it has neither. A journal
 * writes its lines into space filled with newlines ahead of them (fill-ahead.ts), and no line can
 * be blank or hold a zero byte (JSON escapes control characters), so either marks space never
 * written: the fill, or what a crash or a lost page cache left of it. What follows reads as if the
 * file ended there: a cut, like a truncation, which recorded heads catch when it reaches events
 * they cover.
 */
export function unwrittenFrom(buf: Buffer): number {
  const zero = buf.indexOf(0);
  const zeroLine = zero < 0 ? -1 : buf.lastIndexOf(0x0a, zero) + 1;
  const blank = buf[0] === 0x0a ? 0 : buf.indexOf(BLANK_LINE);
  const blankLine = blank <= 0 ? blank : blank + 1;
  if (zeroLine < 0) return blankLine;
  return blankLine < 0 ? zeroLine : Math.min(zeroLine, blankLine);
}

/** Node's one-shot hash (20.12 on): no Hash object per line, which was most of the hashing cost. */
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'hex') => string }).hash;
let scratch = Buffer.alloc(4096);

function sha256Canonical(buf: Buffer, start: number, canonicalEnd: number): string {
  const len = canonicalEnd - start;
  if (!oneShot)
    return createHash('sha256').update(buf.subarray(start, canonicalEnd)).update(CLOSE).digest('hex');
  // The canonical bytes are the line up to the hash suffix plus `}`: copied to one contiguous run.
  if (scratch.length < len + 1) scratch = Buffer.alloc(Math.max(len + 1, scratch.length * 2));
  buf.copy(scratch, 0, start, canonicalEnd);
  scratch[len] = 0x7d;
  return oneShot('sha256', scratch.subarray(0, len + 1), 'hex');
}

/** The fast path: the journal's own layout, checked by hashing bytes; undefined when it does not apply. */
function fastEnvelope(
  buf: Buffer,
  start: number,
  end: number,
  defer: boolean,
  expectPrev: string,
  strings: Strings,
): LineEnvelope | undefined {
  if (end - start < SUFFIX_BYTES + 40 || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22) return undefined;
  const canonicalEnd = end - SUFFIX_BYTES;
  // Deferred, the suffix is checked where the line is hashed: a line is only marked hashed when its
  // suffix is the journal's (markHashedLines), and an unmarked line sends the read back in line.
  if (
    !defer &&
    buf.compare(HASH_SUFFIX, 0, HASH_SUFFIX.length, canonicalEnd, canonicalEnd + HASH_SUFFIX.length) !== 0
  )
    return undefined;
  const hash = buf.toString('latin1', end - 66, end - 2);
  // The envelope starts at the last `,"prev":"` of the line (a quote inside a string is always
  // escaped, and `data` comes first): ENVELOPE_TAIL must then match from there to the end.
  const at = buf.lastIndexOf(PREV_MARK, canonicalEnd - PREV_MARK.length);
  if (at < Math.max(start, canonicalEnd - TAIL_WINDOW)) return undefined;
  const m = readEnvelope(buf, at, canonicalEnd, expectPrev, strings);
  if (!m || (!defer && sha256Canonical(buf, start, canonicalEnd) !== hash)) return undefined;
  return {
    start,
    end,
    seq: m.seq,
    prev: m.prev,
    hash,
    task: m.task,
    ts: m.ts,
    type: m.type,
    v: m.v,
    canonicalEnd,
    envelopeAt: at,
    hashPending: defer || undefined,
  };
}

/**
 * Verifies journal lines in a buffer against the chain from `head`: canonical lines (the layout
 * the journal writes) by hashing their bytes, anything else by parsing and re-serialising. Calls
 * `visit` for each verified line, in order; stops at the first fault. With `deferHashes`, canonical
 * lines are not hashed here but marked `hashPending` (the links are still checked in order): for
 * a reader that has them hashed on another thread (line-hashes.ts).
 */
export function scanLines(
  buf: Buffer,
  head: ChainHead,
  lineBase: number,
  visit: (line: LineEnvelope) => void,
  deferHashes = false,
): ScanResult {
  let offset = 0;
  let validBytes = 0;
  let lines = 0;
  let fault: ChainFault | undefined;
  let faultEnd = -1;
  const strings: Strings = { task: new Interned(2), ts: new Interned(2), type: new Interned(16) };
  const unwritten = unwrittenFrom(buf);
  const limit = unwritten < 0 ? buf.length : unwritten;
  while (offset < limit) {
    const nl = buf.indexOf(0x0a, offset);
    if (nl < 0 || nl >= limit) break;
    const lineNo = lineBase + lines + 1;
    let env = fastEnvelope(buf, offset, nl, deferHashes, head.hash, strings);
    if (env && (env.seq !== head.seq + 1 || env.prev !== head.hash || env.v < 1 || env.v > FORMAT_VERSION)) {
      env = undefined; // let the slow path name the fault precisely
    }
    if (!env) {
      const text = buf.toString('utf8', offset, nl);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        fault = { kind: 'bad-json', line: lineNo };
        faultEnd = nl + 1;
        break;
      }
      const next = checkLink(head, parsed, lineNo, text);
      if (isFault(next)) {
        fault = next;
        faultEnd = nl + 1;
        break;
      }
      const p = parsed as { type?: unknown; task?: unknown; v?: unknown; prev?: unknown };
      env = {
        start: offset,
        end: nl,
        seq: next.seq,
        prev: String(p.prev),
        hash: next.hash,
        type: String(p.type),
        task: String(p.task),
        v: Number(p.v),
        parsed,
      };
    }
    visit(env);
    head = { seq: env.seq, hash: env.hash };
    lines++;
    offset = nl + 1;
    validBytes = offset;
  }
  // A last line whose newline is the fill's own first one was cut short by a crash, not edited: torn.
  if (fault && faultEnd === limit && buf[limit] === 0x0a) fault = undefined;
  // Otherwise the loop stops only at `limit` or at a line with no newline before it; a line that
  // runs into zeros is torn too.
  const cutByZeros = unwritten >= 0 && buf[unwritten] !== 0 && buf[unwritten] !== 0x0a;
  const tornTail = fault === undefined && (validBytes < limit || cutByZeros);
  return { head, validBytes, fault, tornTail, lines, contentBytes: limit, reachedUnwritten: unwritten >= 0 };
}
