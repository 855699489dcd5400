/**
 * One task's session: its calls (a CallIndex, plain objects — 100,000 events must not become
 * 100,000 reactive proxies), the filters, the keyboard cursor, the open detail and the replay.
 * Reactivity is per batch: `revision` moves once per ingested batch and everything on screen
 * derives from it.
 */
import type { ApprovalInfo, BodyDetail, WireEvent } from '../protocol';
import { CallIndex } from '../model/call-index';
import { searchTextFor, type CallRecord, type Outcome } from '../model/call-record';
import { FilteredView } from '../model/filtered-view';
import type { FilterSpec, StatusFilter } from '../model/filters';
import { ReplayState, type FrameScheduler } from './replay-state.svelte';

export type DetailLoad = 'none' | 'loading' | 'loaded';

export interface SessionHooks {
  /** The detail pane opened on a call whose bodies the events did not carry. */
  requestDetail?(callId: string): void;
  /**
   * Batches that arrive within one frame are shown together: the index takes each batch at once,
   * the screen updates once per frame. Without it, every batch updates the screen (tests).
   */
  coalesce?: FrameScheduler;
}

export class SessionState {
  readonly taskId: string;
  readonly index = new CallIndex();
  readonly replay: ReplayState;
  /** Moves once per ingested batch (and per detail or approval update). */
  revision: number = $state(0);
  /** Calls without an outcome that arrived before this (ms) were cut off (model/unrecorded.ts). */
  unrecordedBefore: number = $state(-Infinity);

  service: string = $state('');
  action: string = $state('');
  outcome: Outcome | 'all' = $state('all');
  status: StatusFilter = $state('all');
  query: string = $state('');

  /** Position of the keyboard cursor in the filtered list. */
  cursor: number = $state(0);
  /** Call (index into `calls`) shown in the detail pane, if open. */
  detailIdx: number | undefined = $state(undefined);

  spec: FilterSpec = $derived({
    service: this.service,
    action: this.action,
    outcome: this.outcome,
    status: this.status,
    query: this.query,
  });

  /** The filtered calls: a fresh wrapper per change, the index list inside grows in place. */
  visible: { readonly indices: readonly number[]; readonly revision: number } = $derived.by(() => {
    const revision = this.revision;
    const dirty = this.#dirty;
    this.#dirty = [];
    this.#view.refresh(this.index.calls, this.spec, dirty);
    return { indices: this.#view.indices, revision };
  });

  counts = $derived.by(() => (this.revision, { ...this.index.counts }));

  /**
   * Facets for the filter menus, by name. Only the names: the menus' options then change only when
   * a new service or action appears, not with every batch (each change makes a select re-read
   * all its options).
   */
  facets: { readonly services: readonly string[]; readonly actions: readonly string[] } = $derived.by(() => {
    void this.revision;
    const { services, actions } = this.index;
    const cached = this.#facets;
    // Same names as before: the same object, so nothing downstream re-renders.
    if (cached.services.length === services.size && cached.actions.length === actions.size) return cached;
    return (this.#facets = { services: [...services.keys()].sort(), actions: [...actions.keys()].sort() });
  });

  range = $derived.by(() => {
    void this.revision;
    const start = this.index.task.startedAt ? Date.parse(this.index.task.startedAt) : this.index.firstMs;
    return { fromMs: Math.min(start, this.index.firstMs), toMs: this.index.lastMs };
  });

  /** Calls held for a human right now (scanned only while there are any). */
  pending: readonly CallRecord[] = $derived.by(() => {
    void this.revision;
    return this.index.counts.pending === 0 ? [] : this.index.calls.filter((r) => r.outcome === 'pending');
  });

  /** What task.started / task.ended said (name, who, when). */
  facts = $derived.by(() => (this.revision, { ...this.index.task }));

  /** A copy of the open call, so the pane re-renders when a later event changes it. */
  detail: CallRecord | undefined = $derived.by(() => {
    void this.revision;
    const r = this.detailIdx === undefined ? undefined : this.index.calls[this.detailIdx];
    // The approval too: it changes in place, and the pane must see a new object to redraw.
    return r ? { ...r, approval: r.approval ? { ...r.approval } : undefined } : undefined;
  });

  #view = new FilteredView();
  #facets: { readonly services: readonly string[]; readonly actions: readonly string[] } = {
    services: [],
    actions: [],
  };
  #dirty: number[] = [];
  #detailLoads = new Map<string, DetailLoad>();
  #hooks: SessionHooks;
  #publishing: number | undefined;
  #warming = false;
  #warmed = 0;

  constructor(taskId: string, hooks: SessionHooks = {}, frames?: FrameScheduler) {
    this.taskId = taskId;
    this.#hooks = hooks;
    this.replay = new ReplayState(
      {
        calls: () => this.index.calls,
        visibleIndices: () => this.visible.indices,
        range: () => this.range,
        moveCursorTo: (p) => this.moveCursor(p),
      },
      frames,
    );
  }

  get calls(): readonly CallRecord[] {
    return this.index.calls;
  }

  ingest(events: readonly WireEvent[]): void {
    const { updated } = this.index.ingest(events);
    for (const i of updated) this.#dirty.push(i);
    const frames = this.#hooks.coalesce;
    if (!frames) return this.#publish();
    if (this.#publishing === undefined) {
      this.#publishing = frames.request(() => {
        this.#publishing = undefined;
        this.#publish();
      });
    }
  }

  /** Shows what was ingested: one reactive update. */
  #publish(): void {
    this.revision++;
    this.replay.sync();
    this.#warmSearch();
  }

  /** Builds the calls' search texts in idle time, so the first search does not pay for them all. */
  #warmSearch(): void {
    const idle = this.#hooks.coalesce?.idle;
    if (!idle || this.#warming) return;
    this.#warming = true;
    const step = (timeLeft: () => number): void => {
      const calls = this.index.calls;
      while (this.#warmed < calls.length && timeLeft() > 1) {
        for (const end = Math.min(calls.length, this.#warmed + 500); this.#warmed < end; this.#warmed++)
          searchTextFor(calls[this.#warmed]!);
      }
      if (this.#warmed < calls.length) idle(step);
      else this.#warming = false;
    };
    idle(step);
  }

  /** Publishes a batch still waiting for its frame (a selection must see every call). */
  #publishNow(): void {
    if (this.#publishing === undefined) return;
    this.#hooks.coalesce?.cancel(this.#publishing);
    this.#publishing = undefined;
    this.#publish();
  }

  applyApproval(info: ApprovalInfo): void {
    const idx = this.index.applyApproval(info);
    if (idx === undefined) return;
    this.#dirty.push(idx);
    this.revision++;
  }

  applyDetail(callId: string, request?: BodyDetail, response?: BodyDetail): void {
    const r = this.index.byCallId(callId);
    this.#detailLoads.set(callId, 'loaded');
    if (!r) return;
    if (request) r.requestBody = request;
    if (response) r.responseBody = response;
    this.revision++;
  }

  detailLoad(callId: string): DetailLoad {
    void this.revision;
    return this.#detailLoads.get(callId) ?? 'none';
  }

  resetFilters(): void {
    this.service = '';
    this.action = '';
    this.outcome = 'all';
    this.status = 'all';
    this.query = '';
  }

  /** Moves the cursor (clamped); an open detail pane follows it. */
  moveCursor(position: number): void {
    const n = this.visible.indices.length;
    if (n === 0) return;
    this.cursor = Math.min(n - 1, Math.max(0, position));
    if (this.detailIdx !== undefined) this.openDetail(this.visible.indices[this.cursor]!);
  }

  /** Opens the detail pane on a call (by index into `calls`), asking the host for its bodies. */
  openDetail(idx: number): void {
    this.#publishNow();
    const r = this.index.calls[idx];
    if (!r) return;
    this.detailIdx = idx;
    void this.visible; // brings the filtered view up to date before asking it
    const pos = this.#view.positionOf(idx);
    if (pos >= 0) this.cursor = pos;
    const load = this.#detailLoads.get(r.callId) ?? 'none';
    if (load === 'none' && !r.requestBody && !r.responseBody && r.service && this.#hooks.requestDetail) {
      this.#detailLoads.set(r.callId, 'loading');
      this.#hooks.requestDetail(r.callId);
    }
  }

  closeDetail(): void {
    this.detailIdx = undefined;
  }

  /** Selects a call by id (host `reveal`), clearing filters that would hide it. */
  reveal(callId: string): boolean {
    this.#publishNow();
    const r = this.index.byCallId(callId);
    if (!r) return false;
    void this.visible;
    if (this.#view.positionOf(r.idx) < 0) this.resetFilters();
    this.openDetail(r.idx);
    return true;
  }
}
