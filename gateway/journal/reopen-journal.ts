import { type FileHandle, open } from 'node:fs/promises';
import type { ChainHead } from './chain';

/** Where a closed journal ends: enough to reopen it without reading and verifying it again. */
export interface JournalEnd {
  readonly head: ChainHead;
  readonly size: number;
}

/**
 * Opens a journal this gateway closed itself, if it still ends as it was left: the same size and
 * the same last event hash (each line ends with `"<hash>"}`). Anything else (the file changed
 * while closed) gets the full read and verification of `TaskJournal.open`.
 */
export async function reopenAt(path: string, known: JournalEnd): Promise<FileHandle | undefined> {
  const file = await open(path, 'a+', 0o600);
  try {
    const { size } = await file.stat();
    if (size === known.size) {
      if (size === 0 && known.head.seq === 0) return file;
      const tail = Buffer.from(`${known.head.hash}"}\n`);
      if (size >= tail.length) {
        const got = Buffer.alloc(tail.length);
        const { bytesRead } = await file.read(got, 0, tail.length, size - tail.length);
        if (bytesRead === tail.length && got.equals(tail)) return file;
      }
    }
  } catch (e) {
    await file.close();
    throw e;
  }
  await file.close();
  return undefined;
}
