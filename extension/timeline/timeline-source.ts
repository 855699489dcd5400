import { join } from 'node:path';
import type { ApprovalInfo, GatewayEvent, TaskInfo } from '../../gateway/protocol';
import type { BodyDetail, TaskSummary, WireEvent } from '../../webview/src/protocol';
import type { AirlockClient } from '../control/airlock-client';
import { readRecordedHeads } from '../../gateway/tasks/journal-heads';
import { loadSession } from '../../gateway/cli/session-events';
import type { JournalEvent } from '../../gateway/journal/events';
import { ImportedBundles } from './imported-bundles';
import { JournalFeed, readAllWire } from './journal-feed';
import type { TrustSource } from './signer-trust';
import { ReadCoalescer } from './read-coalescer';

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

/**
 * The timeline's data: the gateway's tasks (GET /tasks) and the imported bundles, each live task's
 * journal followed incrementally, and the gateway's events turned into what webviews are sent.
 * vscode-free: the webviews subscribe, and this knows nothing about them.
 */
export class TimelineSource {
  private live: readonly TaskInfo[] = [];
  private imported: readonly TaskSummary[] = [];
  private readonly feeds = new Map<string, JournalFeed>();
  private readonly listeners = new Set<TimelineListener>();
  private readonly reads: ReadCoalescer;
  private readonly bundles: ImportedBundles;
  private listTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

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
      const feed = this.feeds.get(task.taskId);
      return feed?.started
        ? { task, counts: feed.counts, lastEventAt: feed.lastEventAt, fault: feed.fault }
        : { task };
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
    // Counts need each journal read once; after that, reads follow recorded calls.
    const unread = this.live.filter((t) => !this.feed(t.taskId).started);
    await Promise.all(
      unread.map((t) =>
        this.readTask(t.taskId).catch((e: unknown) =>
          this.deps.log('warn', `timeline: could not read the journal of ${t.taskId}: ${String(e)}`),
        ),
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

  /** Everything recorded for a live task, for a webview that (re)loaded. */
  async allEvents(taskId: string): Promise<WireEvent[]> {
    if (!SAFE_ID.test(taskId)) return [];
    return readAllWire(this.feed(taskId).file);
  }

  /** A session's verified events (its journal, or its imported bundle), for its access review. */
  async recordedEvents(
    taskId: string,
  ): Promise<{ readonly events: readonly JournalEvent[]; readonly warnings: readonly string[] }> {
    const s = await loadSession(this.deps.dataDir, taskId);
    return { events: s.events, warnings: s.warnings };
  }

  async detail(taskId: string, callId: string): Promise<{ request?: BodyDetail; response?: BodyDetail }> {
    if (!SAFE_ID.test(taskId)) return {};
    // The webview may know a call (from a full re-send) that this feed has not read yet.
    await this.readTask(taskId);
    return this.feed(taskId).detail(callId);
  }

  /** Resolves when every read asked for so far has been delivered (tests). */
  settled(): Promise<void> {
    return this.reads.settled();
  }

  private feed(taskId: string): JournalFeed {
    let f = this.feeds.get(taskId);
    if (!f) {
      f = new JournalFeed(join(this.deps.dataDir, 'journal', `${taskId}.jsonl`), async () =>
        (await readRecordedHeads(this.deps.dataDir)).get(taskId),
      );
      this.feeds.set(taskId, f);
    }
    return f;
  }

  private async readTask(taskId: string): Promise<void> {
    const feed = this.feed(taskId);
    const batch = await feed.read();
    if (feed.fault) this.deps.log('warn', `timeline: ${taskId}: ${feed.fault}`);
    if (batch.events.length === 0 && !batch.reset) return;
    for (const l of this.listeners) l.events?.(taskId, batch.events, batch.reset);
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
