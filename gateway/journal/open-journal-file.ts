import { type FileHandle, open, writeFile } from 'node:fs/promises';
import { type ChainHead, EMPTY_HEAD } from './chain';
import { JournalCorruptError, JournalEndError } from './journal-errors';
import { readJournalFile } from './read-journal';
import { isFillByte } from './fill-ahead';
import { JOURNAL_OPEN_FLAGS, reopenAt } from './reopen-journal';
import type { TaskJournalOptions } from './task-journal-options';

/** A journal file open for appending, and where its verified chain ends. */
export interface JournalFile {
  readonly file: FileHandle;
  readonly head: ChainHead;
  readonly size: number;
}

/**
 * Opens (or creates) a task's journal file. A torn last line left by a crash is cut off, since no
 * agent was ever answered for it, and so is space filled ahead of the lines (fill-ahead.ts);
 * bytes other than fill are kept beside it first. Anything else that fails verification is
 * evidence and is never touched: the journal refuses to open, and calls of that task are
 * refused. So does a journal that ends before the head the gateway recorded for it (`heads`),
 * which every durable head reaches.
 * A journal this gateway closed itself (`known`) is reopened without reading it when it still
 * ends where it was left (same size, same last hash): reading a big journal costs seconds.
 */
export async function openJournalFile(
  path: string,
  taskId: string,
  { heads, known }: Pick<TaskJournalOptions, 'heads' | 'known'>,
): Promise<JournalFile> {
  const reopened = known && (await reopenAt(path, known));
  if (reopened) return { file: reopened, head: known.head, size: known.size };
  const existing = await readJournalFile(path, { parse: false, recorded: heads?.recorded(taskId) });
  if (existing.fault) throw new JournalCorruptError(path, existing.fault);
  if (existing.endFault) throw new JournalEndError(path, taskId, existing.endFault);
  const file = await open(path, JOURNAL_OPEN_FLAGS, 0o600);
  // A torn line, or space filled ahead of writes (left by a crash): cut where the chain ends.
  const { size } = await file.stat();
  if (size > existing.validBytes) {
    await keepWhatIsCut(path, file, existing.validBytes, size);
    await file.truncate(existing.validBytes);
    await file.datasync();
  }
  return { file, head: existing.head ?? EMPTY_HEAD, size: existing.validBytes };
}

/**
 * Saves what a reopen is about to cut off, when it is more than fill (fill-ahead.ts): a torn line,
 * or lines a crash left after a hole. They were never synced, so the chain does not need them,
 * but bytes past the end of a journal are kept beside it (`<task>.jsonl.cut-<ms>`), not destroyed.
 */
async function keepWhatIsCut(path: string, file: FileHandle, from: number, size: number): Promise<void> {
  const tail = Buffer.alloc(size - from);
  const { bytesRead } = await file.read(tail, 0, tail.length, from);
  const cut = tail.subarray(0, bytesRead);
  if (cut.every(isFillByte)) return;
  await writeFile(`${path}.cut-${Date.now()}`, cut, { mode: 0o600, flag: 'wx' });
}
