import { join } from 'node:path';
import type { ApprovalInfo, GatewayEvent, TaskInfo } from '../../gateway/protocol';
import type { BodyDetail, TaskSummary, WireEvent } from '../../webview/src/protocol';
import type { AirlockClient } from '../control/airlock-client';
import type { RecordedHead } from '../../gateway/journal/recorded-head';
import { runningGatewaySince } from '../../gateway/server/data-dir-lock';
import { readRecordedHeads } from '../../gateway/tasks/journal-heads';
import { loadSession } from '../../gateway/cli/session-events';
import type { JournalEvent } from '../../gateway/journal/events';
import type { TaskReview } from '../../gateway/review/review-types';
import { ImportedBundles } from './imported-bundles';
import { JournalFeed } from './journal-feed';
import type { TrustSource } from './signer-trust';
import { ReadCoalescer } from './read-coalescer';
import { TaskCounter } from './task-counter';

/** What the timeline's webviews are told, as it happens. */
export interface TimelineListener {
  tasks?(tasks: readonly TaskSummary[]): void;
  /** New events of one task, in journal order; `reset` when they replace what was sent. */
  events?(taskId: string, events: readonly WireEvent[], reset: boolean): void;
  approval?(approval: ApprovalInfo): void;
}

export interface TimelineSourceDeps {
  readonly dataDir: string;
  /** The running gateway's control client, if one runs. */
  readonly client: () => AirlockClient | undefined;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** Delay before a burst of recorded calls is read (ms). */
  readonly readDelayMs?: number;
  /** At most one task-list update per this many ms while calls stream in. */
  readonly listEveryMs?: number;
  /** Whose bundle signatures count as known (imported sessions show known or unknown signers). */
  readonly trust?: TrustSource;
}

const SAFE_ID = /^[A-Za-z0-9_.-]{1,128}$/;
/** Tasks counted at once when the list is built (each a few small reads; descriptors stay few). */
const COUNT_CONCURRENCY = 16;

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The timeline's data: the gateway's tasks (GET /tasks) and the imported bundles, each live task
 * counted from its summary (TaskCounter: the gateway's checkpoint plus the bytes after it, never
 * the whole journal), the journals of opened tasks followed incrementally, and the gateway's
 * events turned into what webviews are sent. vscode-free: the webviews subscribe, and this knows
 * nothing about them.
 */
export class TimelineSource {
  private live: readonly TaskInfo[] = [];
  private imported: readonly TaskSummary[] = [];
  private readonly feeds = new Map<string, JournalFeed>();
  private readonly counters = new Map<string, TaskCounter>();
  private readonly listeners = new Set<TimelineListener>();
  private readonly reads: ReadCoalescer;
  private readonly bundles: ImportedBundles;
  private listTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  /** When the gateway running on the data dir started; undefined when none runs. */
  gatewayStartedAt(): Promise<string | undefined> {
    return runningGatewaySince(this.deps.dataDir);
  }

  constructor(private readonly deps: TimelineSourceDeps) {
    this.bundles = new ImportedBundles(deps.dataDir, deps.trust);
    this.reads = new ReadCoalescer(
      (taskId) => this.readTask(taskId),
      (taskId, e) => deps.log('warn', `timeline: could not read the journal of ${taskId}: ${String(e)}`),
      deps.readDelayMs ?? 40,
    );
  }

  subscribe(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.reads.dispose();
    if (this.listTimer) clearTimeout(this.listTimer);
    this.listeners.clear();
  }

  /** The task list as last known: live tasks, then imported sessions. */
  get summaries(): TaskSummary[] {
    const live = this.live.map((task): TaskSummary => {
      const c = this.counters.get(task.taskId);
      return c?.counts ? { task, counts: c.counts, lastEventAt: c.lastEventAt, fault: c.fault } : { task };
    });
    return [...live, ...this.imported];
  }

  task(taskId: string): TaskSummary | undefined {
    return this.summaries.find((t) => t.task.taskId === taskId);
  }

  /** The imported bundle file behind a session of the list, if it is an imported one. */
  importedFile(sessionId: string): string | undefined {
    return this.bundles.fileOf(sessionId);
  }

  /**
   * Lists tasks again (GET /tasks and the imported folder), reads journals it has not read yet,
   * and tells listeners. Concurrent calls share one listing, plus one more if asked meanwhile.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.list();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async list(): Promise<void> {
    const client = this.deps.client();
    if (client) {
      try {
        this.live = (await client.listTasks()).filter((t) => SAFE_ID.test(t.taskId));
      } catch (e) {
        this.deps.log(
          'warn',
          `timeline: could not list tasks: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    this.imported = await this.bundles.list((file, message) =>
      this.deps.log('warn', `timeline: imported bundle ${file}: ${message}`),
    );
    const listed = new Set(this.live.map((t) => t.taskId));
    for (const id of [...this.counters.keys()]) if (!listed.has(id)) this.counters.delete(id);
    // Counts come from each task's summary once; after that, reads follow recorded calls.
    const uncounted = this.live.filter((t) => !this.counter(t.taskId).started);
    await eachLimited(uncounted, COUNT_CONCURRENCY, (t) =>
      this.count(t.taskId).catch((e: unknown) =>
        this.deps.log('warn', `timeline: could not count the journal of ${t.taskId}: ${String(e)}`),
      ),
    );
    this.emitTasks();
  }

  /** One event of the gateway's stream (GET /events). */
  gatewayEvent(event: GatewayEvent): void {
    switch (event.type) {
      case 'call.recorded':
        if (SAFE_ID.test(event.call.taskId)) this.reads.poke(event.call.taskId);
        break;
      case 'task.started':
      case 'task.ended':
        void this.refresh();
        break;
      case 'approval.requested':
      case 'approval.decided':
      case 'approval.expired':
        for (const l of this.listeners) l.approval?.(event.approval);
        // The journal has the approval's events by now; they change the call's row.
        if (SAFE_ID.test(event.approval.taskId)) this.reads.poke(event.approval.taskId);
        break;
      default:
        break;
    }
  }

  /**
   * Everything recorded for a live task, for a webview that (re)loaded: the task is open from
   * now on, and its new events follow as they are recorded (until `release`).
   */
  async allEvents(taskId: string): Promise<WireEvent[]> {
    if (!SAFE_ID.test(taskId)) return [];
    return this.feed(taskId).readAll();
  }

  /** Nobody shows this task's events any more: stop following its journal. */
  release(taskId: string): void {
    this.feeds.delete(taskId);
  }

  /** A session's verified events (its journal, or its imported bundle), for its access review. */
  async recordedEvents(taskId: string): Promise<{
    readonly events: readonly JournalEvent[];
    readonly warnings: readonly string[];
    readonly carried?: TaskReview;
  }> {
    // The review's events are a superset of what a suggestion or a what-if reads.
    const s = await loadSession(this.deps.dataDir, taskId, 'review');
    return { events: s.events, warnings: s.warnings, carried: s.review };
  }

  async detail(taskId: string, callId: string): Promise<{ request?: BodyDetail; response?: BodyDetail }> {
    if (!SAFE_ID.test(taskId)) return {};
    // The webview may know a call (from a full re-send) that this feed has not read yet.
    if (this.feeds.has(taskId)) await this.readTask(taskId);
    else await this.feed(taskId).read();
    return this.feed(taskId).detail(callId);
  }

  /** Resolves when every read asked for so far has been delivered (tests). */
  settled(): Promise<void> {
    return this.reads.settled();
  }

  private feed(taskId: string): JournalFeed {
    let f = this.feeds.get(taskId);
    if (!f) {
      f = new JournalFeed(join(this.deps.dataDir, 'journal', `${taskId}.jsonl`), () =>
        this.recordedHead(taskId),
      );
      this.feeds.set(taskId, f);
    }
    return f;
  }

  /** Where the gateway recorded the task's journal to end (read before the journal each time). */
  private async recordedHead(taskId: string): Promise<RecordedHead | undefined> {
    return (await readRecordedHeads(this.deps.dataDir)).get(taskId);
  }

  private counter(taskId: string): TaskCounter {
    let c = this.counters.get(taskId);
    if (!c) {
      c = new TaskCounter(this.deps.dataDir, taskId, () => this.recordedHead(taskId));
      this.counters.set(taskId, c);
    }
    return c;
  }

  private async count(taskId: string): Promise<boolean> {
    const c = this.counter(taskId);
    const changed = await c.read();
    if (c.fault) this.deps.log('warn', `timeline: ${taskId}: ${c.fault}`);
    return changed;
  }

  /** New events of a task: its counts, and its events for whoever has it open. */
  private async readTask(taskId: string): Promise<void> {
    const counted = await this.count(taskId);
    const feed = this.feeds.get(taskId);
    const batch = feed ? await feed.read() : { events: [], reset: false };
    if (feed?.fault) this.deps.log('warn', `timeline: ${taskId}: ${feed.fault}`);
    if (batch.events.length > 0 || batch.reset)
      for (const l of this.listeners) l.events?.(taskId, batch.events, batch.reset);
    if (!counted && batch.events.length === 0 && !batch.reset) return;
    if (!this.live.some((t) => t.taskId === taskId)) void this.refresh();
    else this.scheduleTasks();
  }

  private scheduleTasks(): void {
    if (this.listTimer) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = undefined;
      this.emitTasks();
    }, this.deps.listEveryMs ?? 300);
  }

  private emitTasks(): void {
    const tasks = this.summaries;
    for (const l of this.listeners) l.tasks?.(tasks);
  }
}
