import { join } from 'node:path';
import type { ChainHead } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import { formatCheckpoint, readSummaryFile, topUp, writeSummaryFile } from './summary-checkpoint';
import { SummaryFold } from './summary-fold';

/** At most one summary write per task per this many ms while calls come in. */
export const SUMMARY_EVERY_MS = 2000;
/** A task not written to for this long is dropped from memory (its summary is on disk). */
const IDLE_MS = 10 * 60_000;

interface Batch {
  readonly events: readonly JournalEvent[];
  readonly from: number;
  readonly to: number;
  readonly head: ChainHead;
}

interface Entry {
  state: 'loading' | 'ready';
  fold?: SummaryFold;
  offset: number;
  head: ChainHead;
  /** Batches that arrived while the summary so far was being read. */
  queued: Batch[];
  dirty: boolean;
  ended: boolean;
  lastSeen: number;
}

export interface SummaryKeeperOptions {
  readonly everyMs?: number;
  readonly log?: (level: 'debug' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

/**
 * The gateway's side of task summaries: it folds every durable batch into its task's summary as
 * it is journaled (in memory, microseconds; see SummaryFold) and writes the summaries that
 * changed off the hot path, at most every SUMMARY_EVERY_MS, at a task's end and at shutdown, each
 * with the journal position it reflects (summary-checkpoint.ts). A summary is derived: a write
 * that fails (full disk, no descriptor left) is retried later and costs readers a longer top-up.
 */
export class SummaryKeeper {
  private readonly tasks = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly loading = new Set<Promise<void>>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly dataDir: string,
    private readonly opts: SummaryKeeperOptions = {},
  ) {}

  /** The journal's observer (Journal.create): each task's batches, durable, in chain order. */
  readonly observe = (
    taskId: string,
    events: readonly JournalEvent[],
    from: number,
    to: number,
    head: ChainHead,
  ): void => {
    if (this.closed) return;
    const batch = { events, from, to, head };
    let e = this.tasks.get(taskId);
    if (e && e.state === 'ready' && e.offset !== from) {
      // Not where the summary stands (the journal was reopened after a cut): read it again.
      this.tasks.delete(taskId);
      e = undefined;
    }
    if (!e) {
      e = { state: 'loading', offset: from, head, queued: [], dirty: false, ended: false, lastSeen: 0 };
      this.tasks.set(taskId, e);
      if (from === 0) this.ready(e, new SummaryFold(), 0, { seq: 0, hash: '0'.repeat(64) });
      else {
        const p = this.load(taskId, e, from).finally(() => this.loading.delete(p));
        this.loading.add(p);
      }
    }
    e.lastSeen = Date.now();
    if (e.state === 'loading') e.queued.push(batch);
    else this.apply(e, batch);
    this.schedule(e.ended ? 0 : undefined);
  };

  /** Writes every summary that changed; resolves when they are on disk (or failed). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeDirty());
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A task seen for the first time is still reading its summary so far: it is written too.
    await Promise.all([...this.loading]);
    await this.flush();
    this.closed = true;
  }

  private ready(e: Entry, fold: SummaryFold, offset: number, head: ChainHead): void {
    e.state = 'ready';
    e.fold = fold;
    e.offset = offset;
    e.head = head;
    const queued = e.queued;
    e.queued = [];
    for (const b of queued) this.apply(e, b);
  }

  /** A task seen for the first time in this run: its summary so far, up to where its batches begin. */
  private async load(taskId: string, e: Entry, until: number): Promise<void> {
    try {
      const file = join(this.dataDir, 'journal', `${taskId}.jsonl`);
      const r = await topUp(file, [await readSummaryFile(this.dataDir, taskId)], until);
      if (this.tasks.get(taskId) !== e) return;
      if (r.fault || r.checkpoint.offset !== until) {
        // Readers verify what they read and fall back to the journal: no summary is safer here.
        this.tasks.delete(taskId);
        this.warn(taskId, 'cannot summarise this task; readers will read its journal', { fault: r.fault });
        return;
      }
      const cp = r.checkpoint;
      this.ready(e, new SummaryFold(cp.fold), cp.offset, { seq: cp.seq, hash: cp.hash });
      this.schedule(e.ended ? 0 : undefined);
    } catch (err) {
      if (this.tasks.get(taskId) === e) this.tasks.delete(taskId);
      this.warn(taskId, 'could not read the summary so far', { error: String(err) });
    }
  }

  private apply(e: Entry, b: Batch): void {
    if (b.from !== e.offset || !e.fold) return;
    for (const ev of b.events) {
      e.fold.apply(ev);
      if (ev.type === 'task.ended') e.ended = true;
    }
    e.offset = b.to;
    e.head = b.head;
    e.dirty = true;
  }

  private schedule(delay = this.opts.everyMs ?? SUMMARY_EVERY_MS): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** One write at a time: a thousand busy tasks never take a thousand descriptors at once. */
  private async writeDirty(): Promise<void> {
    const now = Date.now();
    for (const [taskId, e] of [...this.tasks]) {
      if (e.state !== 'ready' || !e.fold) continue;
      if (e.dirty) {
        const text = formatCheckpoint(taskId, {
          offset: e.offset,
          seq: e.head.seq,
          hash: e.head.hash,
          fold: e.fold.state(),
        });
        e.dirty = false;
        try {
          await writeSummaryFile(this.dataDir, taskId, text);
        } catch (err) {
          e.dirty = true;
          this.warn(taskId, 'could not write the task summary; will retry', { error: String(err) });
          continue;
        }
      }
      if (!e.dirty && (e.ended || now - e.lastSeen > IDLE_MS)) this.tasks.delete(taskId);
    }
    if ([...this.tasks.values()].some((e) => e.dirty)) this.schedule();
  }

  private warn(taskId: string, message: string, fields: Record<string, unknown>): void {
    const key = `${taskId}:${message}`;
    const level = this.warned.has(key) ? 'debug' : 'warn';
    this.warned.add(key);
    this.opts.log?.(level, `summary: ${message}`, { taskId, ...fields });
  }
}
