import { open, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type ChainFault, type ChainHead, EMPTY_HEAD } from './chain';
import { canonicalJson } from './canonical-json';
import type { JournalEvent } from './events';
import { PARALLEL_HASH_BYTES, readShared, type SharedRead } from './line-hashes';
import { readRange } from './read-range';
import { checkEnd, type EndFault, type RecordedHead } from './recorded-head';
import { type LineEnvelope, scanLines, type ScanResult } from './scan-lines';

export interface JournalContents {
  readonly events: JournalEvent[];
  /** Head of the verified prefix, undefined when empty. */
  readonly head?: ChainHead;
  readonly totalBytes: number;
  /** Bytes of complete, verified lines; anything after is a torn tail from a crash. */
  readonly validBytes: number;
  readonly fault?: ChainFault;
  /** True when all that follows the valid part is one unterminated line: a write cut by a crash. */
  readonly tornTail: boolean;
  /** With `keepCanonical`: each event's canonical JSON without `hash` (what its hash covers). */
  readonly canonical?: string[];
  /** With `recorded`: how the journal's end disagrees with the head the gateway recorded. */
  readonly endFault?: EndFault;
}

/** Where to resume reading a journal: a byte offset and the chain head verified up to it. */
export interface JournalPosition {
  readonly offset: number;
  readonly head: ChainHead;
}

export interface ReadOptions {
  readonly from?: JournalPosition;
  readonly keepCanonical?: boolean;
  /** Default true. False: verify only (head, sizes, fault), without materialising events. */
  readonly parse?: boolean;
  /**
   * Which verified events to materialise, by type and line bytes (every line is still verified):
   * parsing is most of a read, and a reader that needs a third of the events skips the rest.
   */
  readonly select?: (type: string, line: () => Buffer) => boolean;
  /**
   * The head the gateway recorded for this journal (read before the journal, so it cannot be
   * newer than what is read): the journal must reach it, through the same event.
   */
  readonly recorded?: RecordedHead;
  /**
   * Hash lines on a worker thread while parsing (verification is the same either way). Default:
   * for journals of PARALLEL_HASH_BYTES or more.
   */
  readonly parallel?: boolean;
}

const DATA_KEY = Buffer.from('{"data":');

/**
 * A verified line as an event. On the fast path the envelope is already read (and hashed), so
 * only `data` is parsed: the envelope's hex strings are half of a line's bytes. The object has
 * the keys in the order JSON.parse would give them.
 */
function materialise(buf: Buffer, line: LineEnvelope): JournalEvent {
  if (line.parsed !== undefined) return line.parsed as JournalEvent;
  const at = line.envelopeAt;
  if (
    at !== undefined &&
    line.ts !== undefined &&
    buf.compare(DATA_KEY, 0, 8, line.start, line.start + 8) === 0
  ) {
    let data: unknown;
    try {
      data = JSON.parse(buf.toString('utf8', line.start + 8, at));
    } catch {
      data = undefined; // another key between data and the envelope: parse the whole line
    }
    if (data !== undefined)
      return {
        data,
        prev: line.prev,
        seq: line.seq,
        task: line.task,
        ts: line.ts,
        type: line.type,
        v: line.v,
        hash: line.hash,
      } as unknown as JournalEvent;
  }
  return JSON.parse(buf.toString('utf8', line.start, line.end)) as JournalEvent;
}

interface Scanned {
  readonly events: JournalEvent[];
  readonly canonical?: string[];
  readonly r: ScanResult;
  readonly hashAtRecorded?: string;
  /** Buffer line numbers (from 0) accepted unhashed: each must be marked hashed. */
  readonly pending: number[];
}

function scanContents(buf: Buffer, opts: ReadOptions, deferHashes: boolean): Scanned {
  const parse = opts.parse ?? true;
  const events: JournalEvent[] = [];
  const canonical: string[] | undefined = opts.keepCanonical ? [] : undefined;
  const pending: number[] = [];
  const from = opts.from?.head ?? EMPTY_HEAD;
  const recordedSeq = opts.recorded?.seq;
  let hashAtRecorded = recordedSeq === from.seq && from.seq > 0 ? from.hash : undefined;
  let n = 0;
  const r = scanLines(
    buf,
    from,
    from.seq,
    (line) => {
      if (line.hashPending) pending.push(n);
      n++;
      if (line.seq === recordedSeq) hashAtRecorded = line.hash;
      if (parse && (!opts.select || opts.select(line.type, () => buf.subarray(line.start, line.end))))
        events.push(materialise(buf, line));
      if (canonical) {
        if (line.canonicalEnd !== undefined)
          canonical.push(`${buf.toString('utf8', line.start, line.canonicalEnd)}}`);
        else {
          const { hash: _hash, ...rest } = (line.parsed ??
            JSON.parse(buf.toString('utf8', line.start, line.end))) as JournalEvent;
          canonical.push(canonicalJson(rest));
        }
      }
    },
    deferHashes,
  );
  return { events, canonical, r, hashAtRecorded, pending };
}

/**
 * Reads a journal file and verifies its chain. A partial last line (crash mid-write) is reported
 * as a torn tail, not an error: it was never acknowledged to any agent. With `from`, reading
 * resumes at a known position (indexes catching up on what was appended since); offsets and
 * line numbers stay absolute to the file.
 *
 * A large journal has its lines hashed by a worker while this thread checks the links and parses
 * (line-hashes.ts); nothing is returned before every line accepted is known to hash to its
 * recorded hash (hashed by the worker, or here for the lines it had not reached). Should any not,
 * the read starts over hashing in line, so a fault is named exactly as a read without the worker
 * names it.
 */
export async function readJournalFile(path: string, opts: ReadOptions = {}): Promise<JournalContents> {
  const start = opts.from?.offset ?? 0;
  let buf: Buffer;
  let shared: SharedRead | undefined;
  try {
    // Shared memory is what the worker hashes from; a host without it reads in line, and so does
    // a process allowed one CPU (a worker there only takes turns with the reader).
    const parallel =
      typeof SharedArrayBuffer === 'function' &&
      (opts.parallel ?? (availableParallelism() > 1 && (await sizeOf(path)) - start >= PARALLEL_HASH_BYTES));
    if (parallel) {
      shared = await readShared(path, start);
      buf = shared.bytes;
    } else buf = start === 0 ? await readFile(path) : (await readJournalTail(path, start)).bytes;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return {
        events: [],
        totalBytes: 0,
        validBytes: 0,
        tornTail: false,
        endFault: checkEnd(undefined, opts.recorded, undefined),
      };
    throw e;
  }
  let s: Scanned;
  try {
    s = scanContents(buf, opts, shared !== undefined);
  } catch (e) {
    shared?.finish(0); // the worker stopped, not left hashing for a read that is not coming back
    throw e;
  }
  if (shared) {
    const { marks } = shared.finish(s.r.lines);
    if (!s.pending.every((line) => marks[line] === 1)) s = scanContents(buf, opts, false);
  }
  const { r } = s;
  const from = opts.from?.head ?? EMPTY_HEAD;
  const head = r.lines > 0 || from.seq > 0 ? r.head : undefined;
  return {
    events: s.events,
    head,
    totalBytes: start + r.contentBytes,
    validBytes: start + r.validBytes,
    fault: r.fault,
    tornTail: r.tornTail,
    canonical: s.canonical,
    endFault: checkEnd(head, opts.recorded, s.hashAtRecorded),
  };
}

/** The file's size, or 0 when it is missing (the read that follows reports that). */
async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

/**
 * The file's bytes from `offset` on, and its size: a size below `offset` means the file shrank
 * (a rolled-back write) and whoever resumes there must start over. Throws ENOENT like `open`.
 */
export async function readJournalTail(
  path: string,
  offset: number,
): Promise<{ bytes: Buffer; size: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const len = Math.max(0, size - offset);
    const buf = Buffer.alloc(len);
    return { bytes: buf.subarray(0, await readRange(fh, buf, offset)), size };
  } finally {
    await fh.close();
  }
}
