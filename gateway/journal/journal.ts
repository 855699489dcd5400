import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBody, JournalEvent } from './events';
import { readJournalFile, type JournalContents } from './read-journal';
import type { HeadRecorder } from './recorded-head';
import { SyncPlacement } from './sync-placement';
import type { ChainHead } from './chain';
import { TaskJournal, type WriteFaultHook } from './task-journal';

/** Told of each task's durable batches (see DurableHook): what summaries are kept from. */
export type JournalObserver = (
  taskId: string,
  events: readonly JournalEvent[],
  from: number,
  to: number,
  head: ChainHead,
) => void;

/** Events that belong to no task (e.g. a request signed with an unknown key) go here. */
export const GATEWAY_STREAM = '_gateway';

const SAFE_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The durable journal: one append-only, hash-chained JSONL file per task under `<dataDir>/journal`.
 * This is the source of truth of the recording; indexes (sql.js) are rebuilt from it.
 */
export class Journal {
  private readonly open = new Map<string, Promise<TaskJournal>>();

  constructor(
    private readonly dir: string,
    private readonly fault?: WriteFaultHook,
    private readonly sync?: SyncPlacement,
    private readonly heads?: HeadRecorder,
    private readonly observer?: JournalObserver,
  ) {}

  /**
   * `alone` says whether the call being journaled is the only one in flight: then its fdatasync
   * may run on the event loop (see SyncPlacement). Without it every sync goes to the thread pool.
   * `heads` keeps each journal's anchor (its last durable head) outside the journal.
   */
  static async create(
    dataDir: string,
    fault?: WriteFaultHook,
    alone?: () => boolean,
    heads?: HeadRecorder,
    observer?: JournalObserver,
  ): Promise<Journal> {
    const dir = join(dataDir, 'journal');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new Journal(dir, fault, alone ? new SyncPlacement(alone) : undefined, heads, observer);
  }

  fileOf(taskId: string): string {
    if (!SAFE_ID.test(taskId)) throw new Error(`invalid task id for journal: ${JSON.stringify(taskId)}`);
    return join(this.dir, `${taskId}.jsonl`);
  }

  /**
   * Appends events to a task's chain; resolves once they are durable. Rejects if they are not.
   * A task's end also waits for its anchor to be on disk: from then on, cutting the end off the
   * journal (the task.ended event, and the calls before it) is always detectable.
   */
  async record(taskId: string, bodies: readonly EventBody[]): Promise<JournalEvent[]> {
    const sealed = await (await this.journalOf(taskId)).append(bodies);
    if (this.heads && bodies.some((b) => b.type === 'task.ended')) await this.heads.flush();
    return sealed;
  }

  /**
   * Appends events to a task's chain in the next group commit without waiting for it: resolves
   * once they are sealed and queued (the journal is open), and `durable` settles when they are on
   * disk or failed (the caller must handle it). They start no commit of their own for a few
   * milliseconds (TaskJournal LAZY_COMMIT_MS): the next call's request usually carries them.
   * What came after them in the chain can be durable
   * only once they are, since one file holds the chain in order: only the last events before a
   * crash can be lost, never one in the middle. Rejects only if the journal cannot be opened.
   */
  async queue(taskId: string, bodies: readonly EventBody[]): Promise<{ durable: Promise<void> }> {
    const { durable } = (await this.journalOf(taskId)).enqueue(bodies, new Date(), true);
    return { durable };
  }

  private journalOf(taskId: string): Promise<TaskJournal> {
    let journal = this.open.get(taskId);
    if (!journal) {
      const observer = this.observer;
      journal = TaskJournal.open(
        this.fileOf(taskId),
        taskId,
        this.fault,
        this.sync,
        this.heads,
        observer && ((events, from, to, head) => observer(taskId, events, from, to, head)),
      );
      this.open.set(taskId, journal);
      journal.catch(() => this.open.delete(taskId));
    }
    return journal;
  }

  async read(taskId: string): Promise<JournalContents> {
    return readJournalFile(this.fileOf(taskId));
  }

  async streams(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length));
  }

  /** Closes a finished task's file handle; later appends reopen it. */
  async release(taskId: string): Promise<void> {
    const j = this.open.get(taskId);
    this.open.delete(taskId);
    if (j) await (await j).close();
  }

  /** Closes every file; on a clean shutdown every journal's anchor is written last. */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (j) => (await j.catch(() => undefined))?.close()));
    await this.heads?.flush();
  }
}
