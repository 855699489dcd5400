import { open, readFile } from 'node:fs/promises';
import { canonicalOfLine, type ChainFault, type ChainHead, checkLink, EMPTY_HEAD, isFault } from './chain';
import { canonicalJson } from './canonical-json';
import type { JournalEvent } from './events';

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
}

/** Where to resume reading a journal: a byte offset and the chain head verified up to it. */
export interface JournalPosition {
  readonly offset: number;
  readonly head: ChainHead;
}

export interface ReadOptions {
  readonly from?: JournalPosition;
  readonly keepCanonical?: boolean;
}

/**
 * Reads a journal file and verifies its chain. A partial last line (crash mid-write) is reported
 * as a torn tail, not an error: it was never acknowledged to any agent. With `from`, reading
 * resumes at a known position (indexes catching up on what was appended since); offsets and
 * line numbers stay absolute to the file.
 */
export async function readJournalFile(path: string, opts: ReadOptions = {}): Promise<JournalContents> {
  const start = opts.from?.offset ?? 0;
  let buf: Buffer;
  try {
    buf = start === 0 ? await readFile(path) : await readFrom(path, start);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { events: [], totalBytes: 0, validBytes: 0, tornTail: false };
    throw e;
  }
  const events: JournalEvent[] = [];
  const canonical: string[] | undefined = opts.keepCanonical ? [] : undefined;
  let offset = 0;
  let validBytes = 0;
  let fault: ChainFault | undefined;
  let head: ChainHead | undefined = opts.from?.head.seq ? opts.from.head : undefined;
  const lineBase = opts.from?.head.seq ?? 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(0x0a, offset);
    if (nl < 0) break;
    const line = buf.subarray(offset, nl).toString('utf8');
    const lineNo = lineBase + events.length + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      fault = { kind: 'bad-json', line: lineNo };
      break;
    }
    const next = checkLink(head ?? EMPTY_HEAD, parsed, lineNo, line);
    if (isFault(next)) {
      fault = next;
      break;
    }
    events.push(parsed as JournalEvent);
    if (canonical) {
      const { hash: _hash, ...rest } = parsed as JournalEvent;
      canonical.push(canonicalOfLine(line) ?? canonicalJson(rest));
    }
    head = next;
    offset = nl + 1;
    validBytes = offset;
  }
  const tornTail = fault === undefined && validBytes < buf.length && buf.indexOf(0x0a, validBytes) < 0;
  return {
    events,
    head,
    totalBytes: start + buf.length,
    validBytes: start + validBytes,
    fault,
    tornTail,
    canonical,
  };
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const len = Math.max(0, size - offset);
    const buf = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}
