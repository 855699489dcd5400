import { readFile } from 'node:fs/promises';
import { type ChainFault, type ChainHead, checkLink, EMPTY_HEAD, isFault } from './chain';
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
}

/**
 * Reads a journal file and verifies its chain. A partial last line (crash mid-write) is reported
 * as a torn tail, not an error: it was never acknowledged to any agent.
 */
export async function readJournalFile(path: string): Promise<JournalContents> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { events: [], totalBytes: 0, validBytes: 0, tornTail: false };
    throw e;
  }
  const events: JournalEvent[] = [];
  let offset = 0;
  let validBytes = 0;
  let fault: ChainFault | undefined;
  let head: ChainHead | undefined;
  while (offset < buf.length) {
    const nl = buf.indexOf(0x0a, offset);
    if (nl < 0) break;
    const line = buf.subarray(offset, nl).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      fault = { kind: 'bad-json', line: events.length + 1 };
      break;
    }
    const next = checkLink(head ?? EMPTY_HEAD, parsed, events.length + 1);
    if (isFault(next)) {
      fault = next;
      break;
    }
    events.push(parsed as JournalEvent);
    head = next;
    offset = nl + 1;
    validBytes = offset;
  }
  const tornTail = fault === undefined && validBytes < buf.length && buf.indexOf(0x0a, validBytes) < 0;
  return { events, head, totalBytes: buf.length, validBytes, fault, tornTail };
}
