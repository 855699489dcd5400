import { type FileHandle, open } from 'node:fs/promises';
import { type ChainHead, EMPTY_HEAD } from './chain';
import { JournalCorruptError, JournalEndError } from './journal-errors';
import { readJournalFile } from './read-journal';
import { reopenAt } from './reopen-journal';
import type { TaskJournalOptions } from './task-journal-options';

/** A journal file open for appending, and where its verified chain ends. */
export interface JournalFile {
  readonly file: FileHandle;
  readonly head: ChainHead;
  readonly size: number;
}

/**
 * Opens (or creates) a task's journal file. A torn last line left by a crash is cut off, since no
 * agent was ever answered for it; anything else that fails verification is evidence and is never
 * touched: the journal refuses to open, and calls of that task are refused. So does a journal that
 * ends before the head the gateway recorded for it (`heads`), which every durable head reaches.
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
  const file = await open(path, 'a+', 0o600);
  if (existing.tornTail) {
    await file.truncate(existing.validBytes);
    await file.datasync();
  }
  return { file, head: existing.head ?? EMPTY_HEAD, size: existing.validBytes };
}
