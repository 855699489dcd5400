import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBody, JournalEvent } from './events';
import { readJournalFile, type JournalContents } from './read-journal';
import type { HeadRecorder } from './recorded-head';
import { SyncPlacement } from './sync-placement';
import type { ChainHead } from './chain';
import { isOutOfDescriptors } from '../errors/out-of-descriptors';
import type { JournalEnd } from './reopen-journal';
import { TaskJournal } from './task-journal';
import type { WriteFaultHook } from './task-journal-options';

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
 * How many task journals stay open at once (one descriptor each). Idle ones beyond it are closed,
 * least recently used first, and reopened without a read when next needed. 128 keeps the gateway
 * well inside the usual 1,024-descriptor limit with room for a few hundred agent connections,
 * while a working set of 128 busy tasks never pays a reopen.
 */
export const DEFAULT_MAX_OPEN_JOURNALS = 128;

interface OpenJournal {
  readonly journal: Promise<TaskJournal>;
  /** Set once opened: what eviction checks synchronously. */
  handle?: TaskJournal;
  /** Callers between asking for the handle and queuing on it: it is never closed under them. */
  users: number;
}

/**
 * The durable journal: one append-only, hash-chained JSONL file per task under `<dataDir>/journal`.
 * This is the source of truth of the recording; indexes (sql.js) are rebuilt from it.
 */
export class Journal {
  /** Open journals, least recently used first. */
  private readonly open = new Map<string, OpenJournal>();
  /** Journals being closed: a reopen waits for the close, so it starts from their final end. */
  private readonly closing = new Map<string, Promise<void>>();
  /** Where each journal this gateway closed while its task went on ends, to reopen it cheaply. */
  private readonly ends = new Map<string, JournalEnd>();

  constructor(
    private readonly dir: string,
    private readonly fault?: WriteFaultHook,
    private readonly sync?: SyncPlacement,
    private readonly heads?: HeadRecorder,
    private readonly observer?: JournalObserver,
    private readonly maxOpen = DEFAULT_MAX_OPEN_JOURNALS,
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
    maxOpen?: number,
  ): Promise<Journal> {
    const dir = join(dataDir, 'journal');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new Journal(dir, fault, alone ? new SyncPlacement(alone) : undefined, heads, observer, maxOpen);
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
    const { events: sealed, durable } = await this.use(taskId, (j) => j.enqueue(bodies));
    await durable;
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
    const { durable } = await this.use(taskId, (j) => j.enqueue(bodies, new Date(), true));
    return { durable };
  }

  /**
   * Runs `queueOn` on the task's open journal. It must queue synchronously: from then on the
   * journal is busy until its commit, so it cannot be closed before its events are on disk.
   */
  private async use<T>(taskId: string, queueOn: (j: TaskJournal) => T): Promise<T> {
    let entry = this.open.get(taskId);
    if (entry) {
      // Most recently used last.
      this.open.delete(taskId);
      this.open.set(taskId, entry);
    } else entry = this.openEntry(taskId);
    entry.users++;
    try {
      return queueOn(await entry.journal);
    } finally {
      entry.users--;
    }
  }

  private openEntry(taskId: string): OpenJournal {
    const entry: OpenJournal = { users: 0, journal: this.reopen(taskId) };
    entry.journal.then(
      (j) => (entry.handle = j),
      () => this.open.get(taskId) === entry && this.open.delete(taskId),
    );
    this.open.set(taskId, entry);
    // Each close settles on its own (never rejects); a reopen waits for it.
    void this.trim();
    return entry;
  }

  private async reopen(taskId: string): Promise<TaskJournal> {
    await this.closing.get(taskId);
    const known = this.ends.get(taskId);
    this.ends.delete(taskId);
    const observer = this.observer;
    const openIt = (): Promise<TaskJournal> =>
      TaskJournal.open(this.fileOf(taskId), taskId, {
        fault: this.fault,
        sync: this.sync,
        heads: this.heads,
        onDurable: observer && ((events, from, to, head) => observer(taskId, events, from, to, head)),
        known,
        onIdle: () => void this.trim(),
      });
    // At the descriptor limit every idle journal gives its descriptor back for one more try.
    return this.withDescriptors(openIt);
  }

  /** Closes idle journals, least recently used first, until at most `keep` are open. */
  private trim(keep = this.maxOpen): Promise<void>[] {
    const closed: Promise<void>[] = [];
    for (const [taskId, entry] of this.open) {
      if (this.open.size <= keep) break;
      const j = entry.handle;
      if (entry.users > 0 || !j?.idle) continue;
      this.open.delete(taskId);
      const closing = j.close().then(
        () => {
          this.ends.set(taskId, j.end);
        },
        () => undefined,
      );
      const done = closing.finally(() => this.closing.get(taskId) === done && this.closing.delete(taskId));
      this.closing.set(taskId, done);
      closed.push(done);
    }
    return closed;
  }

  /**
   * Runs `fn`, and once more after closing every idle journal if it ran out of file descriptors:
   * for what must work at the limit (starting and ending tasks). `fn` must change nothing when it
   * fails.
   */
  async withDescriptors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!isOutOfDescriptors(e)) throw e;
      await this.closeIdle(0);
      return fn();
    }
  }

  /**
   * Gives back the descriptors of idle journals (at the descriptor limit, so that something else
   * can open a file); they reopen when next used.
   */
  async closeIdle(keep = 0): Promise<void> {
    await Promise.all(this.trim(keep));
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
    const entry = this.open.get(taskId);
    this.open.delete(taskId);
    if (entry) await (await entry.journal).close();
    await this.closing.get(taskId);
    this.ends.delete(taskId);
  }

  /** How many journals are open now (tests of the bound). */
  get openCount(): number {
    return this.open.size;
  }

  /** Closes every file; on a clean shutdown every journal's anchor is written last. */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (e) => (await e.journal.catch(() => undefined))?.close()));
    await Promise.all(this.closing.values());
    await this.heads?.flush();
  }
}
