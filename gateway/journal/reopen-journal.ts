import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { sha256Hex } from '../crypto/sha256-hex';
import { canonicalOfLine, type ChainHead } from './chain';

/** Where a closed journal ends: enough to reopen it without reading and verifying it again. */
export interface JournalEnd {
  readonly head: ChainHead;
  readonly size: number;
  /** Bytes of its last line, with the newline (undefined: not known, the journal is read in full). */
  readonly lastLine: number | undefined;
}

/**
 * How a journal is opened for writing: read-write, created when missing, and not for appending,
 * since its lines are written at explicit offsets into space filled ahead of them
 * (task-journal.ts); O_APPEND would send every write to the end of that space.
 */
export const JOURNAL_OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT;

/**
 * Opens a journal this gateway closed itself, if it still ends as it was left: the same size, and
 * a last line that is the event it wrote last (its bytes hash to the head's hash). Anything else
 * gets the full read and verification of `openJournalFile`. One line is read, not the journal:
 * tasks closed for the open-journal bound are reopened often, and a big journal takes seconds.
 */
export async function reopenAt(path: string, known: JournalEnd): Promise<FileHandle | undefined> {
  const file = await open(path, JOURNAL_OPEN_FLAGS, 0o600);
  let ok = false;
  try {
    ok = await endsAt(file, known);
  } finally {
    if (!ok) await file.close();
  }
  return ok ? file : undefined;
}

async function endsAt(file: FileHandle, known: JournalEnd): Promise<boolean> {
  const { size } = await file.stat();
  if (size !== known.size) return false;
  if (known.head.seq === 0) return size === 0;
  const n = known.lastLine;
  if (n === undefined || n < 2 || n > size) return false;
  const buf = Buffer.alloc(n);
  const { bytesRead } = await file.read(buf, 0, n, size - n);
  if (bytesRead !== n || buf[n - 1] !== 0x0a) return false;
  const raw = buf.toString('utf8', 0, n - 1);
  const canonical = canonicalOfLine(raw);
  return (
    canonical !== undefined &&
    raw.endsWith(`"${known.head.hash}"}`) &&
    sha256Hex(canonical) === known.head.hash
  );
}
