import { fdatasync, fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { type ChainHead, sealEvent } from './chain';
import type { EventBody, JournalEvent } from './events';
import { openJournalFile } from './open-journal-file';
import type { JournalEnd } from './reopen-journal';
import type { TaskJournalOptions } from './task-journal-options';
import { FillAhead } from './fill-ahead';

function datasync(fd: number): Promise<void> {
  // The callback API: FileHandle.datasync() adds a promise wrapper and handle bookkeeping per call.
  return new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

/**
 * How long an append that nobody waits for (a response event) may stay written but not synced
 * before it gets an fdatasync of its own. Calls that follow sooner carry it in theirs: at one
 * connection the next request comes within a few milliseconds, so each call costs one fdatasync,
 * not two.
 */
export const LAZY_COMMIT_MS = 20;

interface Pending {
  /** Nobody waits for it: it rides on the next commit, or one of its own after LAZY_COMMIT_MS. */
  readonly lazy: boolean;
  readonly bytes: Buffer;
  readonly events: readonly JournalEvent[];
  /** The chain head once this append is on disk. */
  readonly headAfter: ChainHead;
  /** Bytes of its last line (with the newline). */
  readonly lastLine: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * One task's append-only journal file. Appends are group-committed: everything queued while a
 * write+fdatasync is in flight goes out in the next single write+fdatasync, so concurrent calls
 * share the cost of durability. The chain is extended when an event is queued (so order is the
 * order of calls) and rolled back to the last durable head if a write fails; the file is
 * truncated back to its last durable size so a failed write never leaves a torn line behind.
 */
export class TaskJournal {
  /** Sealed, not yet written. */
  private queue: Pending[] = [];
  /** Written (lazy appends, in the page cache for every reader), not yet synced; before `queue` in the chain. */
  private unsynced: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private lazyTimer: NodeJS.Timeout | undefined;
  /** Filling ahead, after the calls a commit let go have gone on their way. */
  private fillAhead: NodeJS.Immediate | undefined;
  private readonly fill: FillAhead;
  private durableHead: ChainHead;
  private durableSize: number;
  /** Bytes of the last durable line; unknown until this handle commits something. */
  private durableLastLine: number | undefined;
  /** The file's size: durableSize plus the unsynced bytes. */
  private writtenSize: number;

  private constructor(
    readonly taskId: string,
    private readonly file: FileHandle,
    private head: ChainHead,
    size: number,
    private readonly opts: TaskJournalOptions,
  ) {
    this.durableHead = head;
    this.durableSize = size;
    this.writtenSize = size;
    this.fill = new FillAhead(size);
  }

  /** Opens (or creates) a task's journal, verified or reopened as `openJournalFile` says. */
  static async open(path: string, taskId: string, opts: TaskJournalOptions = {}): Promise<TaskJournal> {
    const { file, head, size } = await openJournalFile(path, taskId, opts);
    return new TaskJournal(taskId, file, head, size, opts);
  }

  /** Nothing queued, written but unsynced, or being committed: closing it now loses nothing. */
  get idle(): boolean {
    return (
      this.queue.length === 0 && this.unsynced.length === 0 && !this.flushing && this.lazyTimer === undefined
    );
  }

  /** Where the journal ends on disk, durably; what a reopen continues from. */
  get end(): JournalEnd {
    return { head: this.durableHead, size: this.durableSize, lastLine: this.durableLastLine };
  }

  get lastSeq(): number {
    return this.head.seq;
  }

  /** Resolves once every given event is durably on disk, in order, as one unit. */
  async append(bodies: readonly EventBody[], now = new Date()): Promise<JournalEvent[]> {
    const { events, durable } = this.enqueue(bodies, now);
    await durable;
    return events;
  }

  /**
   * Seals the events into the chain and queues them for the next group commit, synchronously:
   * `events` are final (seq and hash), and `durable` settles once they are on disk or failed.
   * `lazy`: nobody waits for them (a response event when the answer does not wait for its
   * fdatasync): they are written at once (or after the commit in flight), so every reader sees
   * them, and synced with the next commit, or on their own after LAZY_COMMIT_MS.
   */
  enqueue(
    bodies: readonly EventBody[],
    now = new Date(),
    lazy = false,
  ): { events: JournalEvent[]; durable: Promise<void> } {
    const sealed: JournalEvent[] = [];
    let text = '';
    let lastLine = 0;
    for (const body of bodies) {
      const { event, line } = sealEvent(this.taskId, this.head, body, now);
      this.head = { seq: event.seq, hash: event.hash };
      sealed.push(event);
      text += line + '\n';
      lastLine = Buffer.byteLength(line) + 1;
    }
    const bytes = Buffer.from(text);
    const durable = new Promise<void>((resolve, reject) => {
      this.queue.push({ lazy, bytes, events: sealed, headAfter: this.head, lastLine, resolve, reject });
      if (!lazy) this.flushing ??= this.flushLoop();
      else if (!this.flushing) this.writeLazy();
    });
    return { events: sealed, durable };
  }

  /**
   * Writes the queue (lazy appends only) without a sync, and gives it a commit of its own unless
   * a durable append brings one first. A failed write fails those appends alone: the file goes
   * back to what was written before them.
   */
  private writeLazy(): void {
    const batch = this.queue;
    this.queue = [];
    const bytes =
      batch.length === 1 ? (batch[0]?.bytes ?? Buffer.alloc(0)) : Buffer.concat(batch.map((p) => p.bytes));
    try {
      this.write(bytes);
      this.writtenSize += bytes.length;
      this.unsynced.push(...batch);
    } catch (e) {
      try {
        ftruncateSync(this.file.fd, this.writtenSize);
        this.fill.truncated(this.writtenSize);
      } catch {
        // The next commit's failure path truncates to the durable size anyway.
      }
      this.head = this.unsynced[this.unsynced.length - 1]?.headAfter ?? this.durableHead;
      const err = e instanceof Error ? e : new Error(String(e));
      for (const p of batch) p.reject(err);
      return;
    }
    this.lazyTimer ??= setTimeout(() => {
      this.lazyTimer = undefined;
      if (this.unsynced.length > 0) this.flushing ??= this.flushLoop(true);
    }, LAZY_COMMIT_MS);
  }

  /** `lazyOnly`: a commit only lazy appends asked for; its sync never stalls the event loop. */
  private async flushLoop(lazyOnly = false): Promise<void> {
    try {
      // Never finish synchronously: `flushing` is assigned from this promise after the first
      // await, and appends made in this same tick join the first batch.
      await Promise.resolve();
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
      while (this.queue.length > 0 || this.unsynced.length > 0) {
        const written = this.unsynced;
        const queued = this.queue;
        this.unsynced = [];
        this.queue = [];
        const batch = written.length === 0 ? queued : written.concat(queued);
        try {
          if (queued.length > 0) {
            const bytes =
              queued.length === 1
                ? (queued[0]?.bytes ?? Buffer.alloc(0))
                : Buffer.concat(queued.map((p) => p.bytes));
            this.write(bytes);
            this.writtenSize += bytes.length;
          }
          if (!lazyOnly && this.opts.sync?.onLoop() === true) {
            const t0 = performance.now();
            fdatasyncSync(this.file.fd);
            this.opts.sync.tookOnLoop(performance.now() - t0);
          } else await datasync(this.file.fd);
          const from = this.durableSize;
          this.durableSize = this.writtenSize;
          const last = batch[batch.length - 1];
          if (last) {
            this.durableHead = last.headAfter;
            if (last.lastLine > 0) this.durableLastLine = last.lastLine;
          }
          // In memory only: the anchor goes to disk at the next checkpoint, off the call path.
          this.opts.heads?.durable(this.taskId, this.durableHead);
          this.tellDurable(batch, from);
          for (const p of batch) p.resolve();
          this.fillAhead ??= setImmediate(() => {
            this.fillAhead = undefined;
            this.fill.ahead(this.file.fd, this.writtenSize);
          });
          // What queued meanwhile goes out now if someone waits for it; lazy appends alone are
          // written and wait for the next commit.
          if (this.queue.length > 0 && this.queue.every((p) => p.lazy)) {
            this.writeLazy();
            break;
          }
        } catch (e) {
          // Events queued behind the failed batch chain onto it, so they fail with it.
          const failed = batch.concat(this.queue);
          this.queue = [];
          this.head = this.durableHead;
          await this.file.truncate(this.durableSize).then(
            () => this.fill.truncated(this.durableSize),
            () => undefined,
          );
          this.writtenSize = this.durableSize;
          const err = e instanceof Error ? e : new Error(String(e));
          for (const p of failed) p.reject(err);
        }
      }
    } finally {
      this.flushing = undefined;
      if (this.idle) this.opts.onIdle?.();
    }
  }

  private tellDurable(batch: readonly Pending[], from: number): void {
    const onDurable = this.opts.onDurable;
    if (!onDurable) return;
    try {
      onDurable(
        batch.length === 1 ? (batch[0]?.events ?? []) : batch.flatMap((p) => p.events),
        from,
        this.durableSize,
        this.durableHead,
      );
    } catch {
      // Whoever listens keeps derived data (summaries): its failure is never the journal's.
    }
  }

  /**
   * Appends a batch from the event loop itself: a few kilobytes into the page cache take a few
   * microseconds, while a thread-pool write cost a hand-off and a wake-up each way on every round
   * (measured on this 2-vCPU VM: write + fdatasync 110-136 µs of CPU per round with both in the
   * pool, 96-114 µs with the write here). The slow part, the fdatasync, goes to the thread pool
   * unless SyncPlacement keeps it here.
   */
  private write(bytes: Buffer): void {
    const injected = this.opts.fault?.();
    if (injected) throw injected;
    // A short write is not an error for write(2); the rest goes out after it.
    let done = 0;
    // At the end of the content, usually inside space filled ahead of it (fill-ahead.ts).
    const at = this.writtenSize;
    while (done < bytes.length) done += writeSync(this.file.fd, bytes, done, bytes.length - done, at + done);
  }

  async close(): Promise<void> {
    await this.flushing;
    // Lazy appends still waiting get their commit before the file closes.
    if (this.queue.length > 0 || this.unsynced.length > 0) await (this.flushing ??= this.flushLoop(true));
    clearTimeout(this.lazyTimer);
    clearImmediate(this.fillAhead);
    this.fillAhead = undefined;
    // A closed journal ends with its last line; readers and a reopen without reading expect that.
    this.fill.cut(this.file.fd, this.writtenSize);
    await this.file.close();
  }
}
