/**
 * A task's summary, folded from its events one at a time: the counters `airlock sessions` prints
 * and the counts of the timeline's task list, in a state small enough to write next to the
 * journal every few seconds and to resume from. Pure: no I/O.
 *
 * Two views of the same events, kept as they were defined before summaries existed:
 * - session counters, as the recording index counted them (every call.request is a call; every
 *   decision, every error status, every event with masked fields counts once);
 * - timeline counts, as the webview's CallIndex counts them (webview/src/model/call-index.ts):
 *   each call's outcome from its decision and approval, `failed`, `masked` per call.
 * The timeline counts need each call's state until it can no longer change: calls are kept while
 * open (no response or error yet) plus the last RECENT_CLOSED closed ones (none once the task
 * ended, so the summaries of months of ended tasks stay a few hundred bytes each), for the rare event that
 * names a call after its answer (a local error after a failed delivery); older ones are final.
 */

import {
  type CallState,
  emptyFoldState,
  F_ALLOWED,
  F_APPROVED,
  F_DENIED,
  F_FAILED,
  F_MASKED,
  F_PENDING,
  F_REFUSED,
  type FoldState,
  MAX_OPEN,
  outcomeFlags,
  RECENT_CLOSED,
  type SessionFacts,
  type TimelineCounts,
} from './summary-state';

export { emptyFoldState, type FoldState, type SessionFacts, type TimelineCounts } from './summary-state';

type Fields = Readonly<Record<string, unknown>>;
const fields = (v: unknown): Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : {};
const str = (o: Fields, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
/** An id: a non-empty string (the webview ignores empty ones too). */
const idOf = (o: Fields, k: string): string | undefined =>
  typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined;
const num = (o: Fields, k: string): number | undefined =>
  typeof o[k] === 'number' && Number.isFinite(o[k]) ? o[k] : undefined;

/** As the webview's mergeMasked: an entry counts when it names a field. */
function namesMaskedField(d: Fields): boolean {
  const m = d.masked;
  if (!Array.isArray(m)) return false;
  return m.some((x) => {
    const f = fields(x);
    return typeof f.field === 'string' || typeof f.path === 'string';
  });
}

export class SummaryFold {
  private readonly session: SessionFacts;
  private readonly counts: TimelineCounts;
  /** Insertion-ordered: the oldest open call first. */
  private readonly open = new Map<string, CallState>();
  private readonly closed = new Map<string, CallState>();
  private readonly approvalCall = new Map<string, string>();

  constructor(state: FoldState = emptyFoldState()) {
    this.session = { ...state.session };
    this.counts = { ...state.counts };
    for (const c of state.open) this.open.set(c.id, { ...c });
    for (const c of state.closed) this.closed.set(c.id, { ...c });
    for (const [a, c] of state.approvals) this.approvalCall.set(a, c);
  }

  get facts(): Readonly<SessionFacts> {
    return this.session;
  }

  get timeline(): Readonly<TimelineCounts> {
    return this.counts;
  }

  /** A copy that can be stored (JSON) and given back to the constructor. */
  state(): FoldState {
    const kept = new Set([...this.open.keys(), ...this.closed.keys()]);
    return {
      session: { ...this.session },
      counts: { ...this.counts },
      open: [...this.open.values()].map((c) => ({ ...c })),
      closed: [...this.closed.values()].map((c) => ({ ...c })),
      approvals: [...this.approvalCall].filter(([, c]) => kept.has(c)),
    };
  }

  /** One event, in journal order. Tolerant: fields of the wrong type read as absent. */
  apply(event: unknown): void {
    const e = fields(event);
    const type = str(e, 'type');
    const ts = str(e, 'ts');
    if (type === undefined || ts === undefined) return;
    const d = fields(e.data);
    const s = this.session;
    s.events++;
    s.task ??= str(e, 'task');
    s.firstTs ??= ts;
    s.lastTs = ts;
    switch (type) {
      case 'task.started':
        s.name = str(d, 'name');
        s.startedBy = str(d, 'startedBy');
        s.agent = str(d, 'agent');
        s.workspace = str(d, 'workspace');
        s.startedAt = ts;
        s.expiresAt = str(d, 'expiresAt');
        return;
      case 'task.ended':
        s.endedAt = ts;
        s.endReason = str(d, 'reason');
        // An ended task takes no calls: its answered ones stay counted and need not be kept.
        this.closed.clear();
        return;
      case 'call.request': {
        s.calls++;
        const masked = Array.isArray(d.masked) && d.masked.length > 0;
        if (masked) s.masked++;
        const id = idOf(d, 'callId');
        if (id === undefined || this.find(id)) return;
        this.recount(this.add({ id, f: 0, m: namesMaskedField(d) || undefined }));
        return;
      }
      case 'call.error': {
        s.errors++;
        const id = idOf(d, 'callId') ?? `refused-${num(e, 'seq') ?? ts}`;
        const c = this.find(id) ?? this.add({ id, f: 0 });
        c.e = true;
        this.close(c);
        return;
      }
      case 'call.decision': {
        if (str(d, 'decision') === 'allow') s.allowed++;
        else s.denied++;
        const c = this.byId(d);
        if (!c) return;
        c.d = str(d, 'decision');
        const approvalId = idOf(d, 'approvalId');
        if (approvalId !== undefined) {
          if (c.a !== approvalId) {
            c.a = approvalId;
            c.s = 'pending';
          }
          if (c.s === 'pending') c.s = c.d === 'allow' ? 'approved' : 'denied';
        }
        this.recount(c);
        return;
      }
      case 'call.response': {
        const status = num(d, 'status') ?? 0;
        if (status >= 400 || d.errorCode) s.errors++;
        if (Array.isArray(d.masked) && d.masked.length > 0) s.masked++;
        const c = this.byId(d);
        if (!c) return;
        c.st = num(d, 'status');
        c.ab = typeof d.aborted === 'boolean' ? d.aborted : undefined;
        if (namesMaskedField(d)) c.m = true;
        this.close(c);
        return;
      }
      default:
        if (type === 'approval.requested') s.approvals++;
        if (type.startsWith('approval.')) this.approval(type, d);
        else {
          const c = this.byId(d);
          if (c && namesMaskedField(d)) {
            c.m = true;
            this.recount(c);
          }
        }
    }
  }

  private approval(type: string, d: Fields): void {
    const approvalId = idOf(d, 'approvalId');
    const callId =
      idOf(d, 'callId') ?? (approvalId === undefined ? undefined : this.approvalCall.get(approvalId));
    const c = callId === undefined ? undefined : this.find(callId);
    if (!c || approvalId === undefined) return;
    this.approvalCall.set(approvalId, c.id);
    if (c.a !== approvalId) {
      c.a = approvalId;
      c.s = 'pending';
    }
    if (type === 'approval.decided') c.s = str(d, 'decision') === 'deny' ? 'denied' : 'approved';
    else if (type === 'approval.expired') c.s = 'expired';
    this.recount(c);
  }

  private byId(d: Fields): CallState | undefined {
    const id = idOf(d, 'callId');
    return id === undefined ? undefined : this.find(id);
  }

  private find(id: string): CallState | undefined {
    return this.open.get(id) ?? this.closed.get(id);
  }

  private add(c: CallState): CallState {
    this.counts.calls++;
    this.open.set(c.id, c);
    if (this.open.size > MAX_OPEN) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    return c;
  }

  /** The call has its answer: it moves to the recent closed ones (its counts stay as they are). */
  private close(c: CallState): void {
    this.recount(c);
    if (!this.open.delete(c.id)) return;
    this.closed.set(c.id, c);
    if (this.closed.size > RECENT_CLOSED) {
      const oldest = this.closed.keys().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
  }

  private recount(c: CallState): void {
    const now = outcomeFlags(c);
    const old = c.f;
    if (now === old) return;
    c.f = now;
    const t = this.counts;
    const delta = (bit: number): number => ((now & bit) !== 0 ? 1 : 0) - ((old & bit) !== 0 ? 1 : 0);
    t.allowed += delta(F_ALLOWED);
    t.denied += delta(F_DENIED);
    t.approved += delta(F_APPROVED);
    t.pending += delta(F_PENDING);
    t.masked += delta(F_MASKED);
    t.refused += delta(F_REFUSED);
    t.failed += delta(F_FAILED);
  }
}
