/**
 * The webview's root state: what the host said (mode, theme, view, tasks, approvals, bundle
 * verification), the open sessions, and every message the webview posts back. Transport-free:
 * `receive` takes whatever arrived, `post` is injected, so tests drive it without a host.
 */
import {
  WEBVIEW_PROTOCOL_VERSION,
  type ApprovalDecision,
  type ApprovalInfo,
  type BundleVerification,
  type HostMessage,
  type TaskSummary,
  type ThemeKind,
  type TimelineMode,
  type TimelineView,
  type WebviewMessage,
} from '../protocol';
import { parseHostMessage } from '../protocol-guards';
import type { FrameScheduler } from './replay-state.svelte';
import { unrecordedBefore } from '../model/unrecorded';
import { ReviewState } from './review-state.svelte';
import { SessionState } from './session-state.svelte';

function newestFirst(a: TaskSummary, b: TaskSummary): number {
  return (
    Date.parse(b.task.startedAt) - Date.parse(a.task.startedAt) || b.task.taskId.localeCompare(a.task.taskId)
  );
}

export class AppState {
  initialized: boolean = $state(false);
  mode: TimelineMode = $state('live');
  theme: ThemeKind = $state('dark');
  view: TimelineView = $state.raw({ kind: 'tasks' });
  tasks: readonly TaskSummary[] = $state.raw([]);
  approvals: ReadonlyMap<string, ApprovalInfo> = $state.raw(new Map());
  verification: BundleVerification | undefined = $state.raw(undefined);
  /** Approvals this webview has posted a decision for and not yet heard back about. */
  deciding: ReadonlySet<string> = $state.raw(new Set());
  /** The session on screen (view kind 'session'). */
  session: SessionState | undefined = $state.raw(undefined);

  /** What the session view shows: its calls, or the task's access review. */
  tab: 'calls' | 'review' = $state('calls');

  sortedTasks: readonly TaskSummary[] = $derived([...this.tasks].sort(newestFirst));
  readOnly: boolean = $derived(this.mode === 'bundle');

  #post: (message: WebviewMessage) => void;
  #frames: FrameScheduler | undefined;
  #coalesce: FrameScheduler | undefined;
  #sessions = new Map<string, SessionState>();
  #unrecordedBefore = -Infinity;
  #reviews = new Map<string, ReviewState>();

  /**
   * @param frames drives the replay (default: the browser's animation frames).
   * @param coalesce when given, event batches update the screen once per frame of this scheduler.
   */
  constructor(post: (message: WebviewMessage) => void, frames?: FrameScheduler, coalesce?: FrameScheduler) {
    this.#post = post;
    this.#frames = frames;
    this.#coalesce = coalesce;
  }

  /** The handshake: tells the host this webview listens. */
  start(): void {
    this.#post({ type: 'ready', protocol: WEBVIEW_PROTOCOL_VERSION });
  }

  /** Handles one message from the host; anything unknown is ignored. */
  receive(data: unknown): void {
    const msg = parseHostMessage(data);
    if (!msg) return;
    if (msg.type !== 'init' && !this.initialized) return;
    this.#handle(msg);
  }

  sessionFor(taskId: string): SessionState {
    let s = this.#sessions.get(taskId);
    if (!s) {
      s = new SessionState(
        taskId,
        {
          requestDetail: (callId) => this.#post({ type: 'requestDetail', taskId, callId }),
          coalesce: this.#coalesce,
        },
        this.#frames,
      );
      this.#sessions.set(taskId, s);
    }
    s.unrecordedBefore = this.#unrecordedBefore;
    return s;
  }

  reviewFor(taskId: string): ReviewState {
    let r = this.#reviews.get(taskId);
    if (!r) this.#reviews.set(taskId, (r = new ReviewState(taskId, this.#post)));
    return r;
  }

  /** Switches the session view between its calls and its review (asked for on first show). */
  showTab(tab: 'calls' | 'review'): void {
    this.tab = tab;
    if (tab === 'review' && this.session) this.reviewFor(this.session.taskId).request();
  }

  taskSummary(taskId: string): TaskSummary | undefined {
    return this.tasks.find((t) => t.task.taskId === taskId);
  }

  openTask(taskId: string): void {
    this.#post({ type: 'openTask', taskId });
  }

  exportBundle(taskId: string): void {
    this.#post({ type: 'exportBundle', taskId });
  }

  /** Asks the host to copy the CloudTrail lookup command for the task, or for one of its calls. */
  copyCloudTrail(taskId: string, callId?: string): void {
    this.#post({ type: 'copyCloudTrail', taskId, ...(callId !== undefined ? { callId } : {}) });
  }

  copyCliCommand(text: string): void {
    this.#post({ type: 'copyCliCommand', text });
  }

  openRule(ruleId: string): void {
    this.#post({ type: 'openRule', ruleId });
  }

  endTask(taskId: string): void {
    if (!this.readOnly) this.#post({ type: 'endTask', taskId });
  }

  decide(
    approval: { approvalId: string; taskId: string; callId: string },
    decision: ApprovalDecision,
    reason?: string,
  ): void {
    if (this.readOnly || this.deciding.has(approval.approvalId)) return;
    this.deciding = new Set([...this.deciding, approval.approvalId]);
    const trimmed = reason?.trim();
    this.#post({
      type: 'decideApproval',
      approvalId: approval.approvalId,
      taskId: approval.taskId,
      callId: approval.callId,
      decision,
      ...(trimmed ? { reason: trimmed } : {}),
    });
  }

  #handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'init': {
        this.mode = msg.mode;
        this.#unrecordedBefore = unrecordedBefore(msg.mode, msg.gatewayStartedAt);
        for (const s of this.#sessions.values()) s.unrecordedBefore = this.#unrecordedBefore;
        this.theme = msg.theme;
        this.tasks = msg.tasks;
        this.approvals = new Map((msg.approvals ?? []).map((a) => [a.approvalId, a]));
        this.view = msg.view;
        this.session = msg.view.kind === 'session' ? this.sessionFor(msg.view.taskId) : undefined;
        this.initialized = true;
        break;
      }
      case 'events': {
        if (msg.events.length > 0) this.#reviews.get(msg.taskId)?.markStale();
        const s = this.sessionFor(msg.taskId);
        if (msg.reset) {
          s.replay.dispose();
          this.#sessions.delete(msg.taskId);
          const fresh = this.sessionFor(msg.taskId);
          if (this.session?.taskId === msg.taskId) this.session = fresh;
          fresh.ingest(msg.events);
          for (const a of this.approvals.values()) if (a.taskId === msg.taskId) fresh.applyApproval(a);
        } else s.ingest(msg.events);
        break;
      }
      case 'tasks':
        this.tasks = msg.tasks;
        break;
      case 'approvalChanged': {
        const next = new Map(this.approvals);
        next.set(msg.approval.approvalId, msg.approval);
        this.approvals = next;
        // Decided, or still pending after the host tried (the decision failed or was cancelled):
        // either way nothing is in flight any more.
        if (this.deciding.has(msg.approval.approvalId)) {
          const d = new Set(this.deciding);
          d.delete(msg.approval.approvalId);
          this.deciding = d;
        }
        this.#sessions.get(msg.approval.taskId)?.applyApproval(msg.approval);
        break;
      }
      case 'bundleVerification':
        this.verification = msg.verification;
        break;
      case 'detail':
        this.#sessions.get(msg.taskId)?.applyDetail(msg.callId, msg.request, msg.response);
        break;
      case 'theme':
        this.theme = msg.theme;
        break;
      case 'reveal':
        this.tab = 'calls';
        this.#sessions.get(msg.taskId)?.reveal(msg.callId);
        break;
      case 'review':
        this.reviewFor(msg.taskId).receive(msg);
        break;
      case 'showReview':
        if (this.session?.taskId === msg.taskId) this.showTab('review');
        break;
    }
  }
}
