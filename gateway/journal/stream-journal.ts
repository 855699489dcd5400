import { open } from 'node:fs/promises';
import type { ChainFault, ChainHead } from './chain';
import { EMPTY_HEAD } from './chain';
import type { JournalEvent } from './events';
import type { JournalPosition } from './read-journal';
import { type LineEnvelope, scanLines } from './scan-lines';

/** Bytes read at a time: big enough that syscalls are few, small enough that memory stays flat. */
export const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;

export interface StreamOptions {
  readonly from?: JournalPosition;
  /** Stop at this absolute offset (a line boundary): reads a byte range of the journal. */
  readonly until?: number;
  readonly blockBytes?: number;
  /** Asked after each block: true stops reading there (at a line boundary). */
  readonly stop?: () => boolean;
  /** Awaited after each block's lines were visited: lets a visitor that only queues catch up. */
  readonly afterBlock?: () => Promise<void>;
}

export interface StreamResult {
  /** Head of the verified part (the `from` head when nothing new was read). */
  readonly head: ChainHead;
  /** Absolute offset just past the last verified line. */
  readonly validBytes: number;
  /**
   * Where the file's content ended when it was read: its size, or where its unwritten space
   * begins (scan-lines.ts `unwrittenFrom`); 0 when it does not exist.
   */
  readonly totalBytes: number;
  readonly fault?: ChainFault;
  /** Everything after the verified part is one unterminated line (a write in progress, or cut). */
  readonly tornTail: boolean;
  /** The file is shorter than `from.offset`: whoever resumes there must start over. */
  readonly shrunk: boolean;
  readonly missing: boolean;
}

/** A verified line's event, parsed (the fast path verified its bytes without parsing). */
export function eventOf(line: LineEnvelope, buf: Buffer): JournalEvent {
  return (line.parsed ?? JSON.parse(buf.toString('utf8', line.start, line.end))) as JournalEvent;
}

/**
 * Reads a journal block by block, verifying the chain as it goes, and hands each verified line
 * to `visit` with its buffer and the buffer's absolute offset in the file. Memory stays at about
 * one block whatever the journal's size (a line longer than a block grows it to that line), so
 * a million-call journal is read in the memory of one block. Stops at the first fault.
 */
export async function streamJournal(
  path: string,
  visit: (line: LineEnvelope, buf: Buffer, base: number) => void,
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const start = opts.from?.offset ?? 0;
  let head = opts.from?.head ?? EMPTY_HEAD;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const shrunk = start > 0;
    return { head, validBytes: 0, totalBytes: 0, tornTail: false, shrunk, missing: true };
  }
  try {
    const size = (await fh.stat()).size;
    if (size < start)
      return { head, validBytes: start, totalBytes: size, tornTail: false, shrunk: true, missing: false };
    const end = Math.min(size, opts.until ?? size);
    const block = opts.blockBytes ?? STREAM_BLOCK_BYTES;
    let offset = start;
    let carry = Buffer.alloc(0);
    let fault: ChainFault | undefined;
    let pos = start;
    let contentEnd = size;
    let tornTail = false;
    while (pos < end) {
      const want = Math.min(Math.max(block, carry.length * 2), end - pos + carry.length);
      const buf = Buffer.allocUnsafe(want);
      carry.copy(buf, 0);
      const { bytesRead } = await fh.read(buf, carry.length, want - carry.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const filled = buf.subarray(0, carry.length + bytesRead);
      const r = scanLines(filled, head, head.seq, (line) => visit(line, filled, offset));
      head = r.head;
      const filledAt = offset;
      offset += r.validBytes;
      if (r.fault || r.reachedUnwritten) {
        fault = r.fault;
        if (r.reachedUnwritten) {
          contentEnd = filledAt + r.contentBytes;
          tornTail = r.tornTail;
        }
        await opts.afterBlock?.();
        break;
      }
      carry = Buffer.from(filled.subarray(r.validBytes));
      await opts.afterBlock?.();
      if (opts.stop?.()) break;
    }
    if (contentEnd === size) tornTail = !fault && pos >= end && carry.length > 0 && carry.indexOf(0x0a) < 0;
    return {
      head,
      validBytes: offset,
      totalBytes: contentEnd,
      fault,
      tornTail,
      shrunk: false,
      missing: false,
    };
  } finally {
    await fh.close();
  }
}
