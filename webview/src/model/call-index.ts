/**
 * Folds a task's event stream into call records, incrementally: each batch touches only the
 * calls it names, and counts and facets are kept up to date as it goes, so a live session of
 * 100,000 events never needs a full pass.
 */
import type { ApprovalInfo, WireEvent } from '../protocol';
import { applyApprovalInfo, applyApprovalEvent } from './apply-approval';
import { applyCallEvent, newCall, newRefusedCall } from './apply-call';
import { isFailed, outcomeOf, type CallRecord } from './call-record';
import { emptyCounts, type MutableCounts } from './counts';
import { fieldsOf, parseTime, readString } from './read-fields';

export interface IngestResult {
  /** Records appended at the end (indices `length - added` .. `length - 1`). */
  readonly added: number;
  /** Earlier records that changed (decision, response, approval arrived later). */
  readonly updated: readonly number[];
}

export interface TaskFacts {
  name?: string;
  startedAt?: string;
  endedAt?: string;
  endReason?: string;
  identity?: string;
  agent?: string;
  /** The task's STS role session name (OIDC mode): CloudTrail can find its calls. */
  roleSessionName?: string;
}

const F_ALLOWED = 1;
const F_DENIED = 2;
const F_APPROVED = 4;
const F_PENDING = 8;
const F_MASKED = 16;
const F_REFUSED = 32;
const F_FAILED = 64;

function flagsOf(r: CallRecord): number {
  let f = 0;
  if (r.outcome === 'allowed') f |= F_ALLOWED;
  // An expired approval refused the call: it counts with the denials in the task's totals.
  if (r.outcome === 'denied' || r.outcome === 'expired') f |= F_DENIED;
  if (r.outcome === 'approved') f |= F_APPROVED;
  if (r.outcome === 'pending') f |= F_PENDING;
  if (r.outcome === 'refused') f |= F_REFUSED;
  if (r.masked.length > 0) f |= F_MASKED;
  if (isFailed(r)) f |= F_FAILED;
  return f;
}

export class CallIndex {
  readonly calls: CallRecord[] = [];
  readonly task: TaskFacts = {};
  readonly services = new Map<string, number>();
  readonly actions = new Map<string, number>();
  /** Earliest and latest event time seen (ms since epoch); NaN before any event. */
  firstMs = NaN;
  lastMs = NaN;
  #counts: MutableCounts = emptyCounts();
  #flags: number[] = [];
  #byCallId = new Map<string, CallRecord>();
  #callIdByApproval = new Map<string, string>();
  #lastSeq = -Infinity;
  /** Which batch last touched each call (dedupes a batch's touched calls without a Set). */
  #stamps: number[] = [];
  #batch = 0;

  get counts(): Readonly<MutableCounts> {
    return this.#counts;
  }

  byCallId(callId: string): CallRecord | undefined {
    return this.#byCallId.get(callId);
  }

  /** Adds a batch in journal order. Events at or below the last sequence number seen are skipped. */
  ingest(events: readonly WireEvent[]): IngestResult {
    const before = this.calls.length;
    const touched: CallRecord[] = [];
    const stamp = ++this.#batch;
    for (const e of events) {
      if (typeof e !== 'object' || e === null || typeof e.type !== 'string') continue;
      if (typeof e.seq === 'number') {
        if (e.seq <= this.#lastSeq) continue;
        this.#lastSeq = e.seq;
      }
      const at = parseTime(e.ts);
      if (at !== undefined) {
        if (!(at >= this.firstMs)) this.firstMs = at;
        if (!(at <= this.lastMs)) this.lastMs = at;
      }
      const r = this.#apply(e, at ?? this.lastMs);
      if (r && this.#stamps[r.idx] !== stamp) {
        this.#stamps[r.idx] = stamp;
        touched.push(r);
      }
    }
    const updated: number[] = [];
    for (const r of touched) {
      r.outcome = outcomeOf(r);
      // Loading 100,000 events should not pay for text nobody may search: built on first search.
      r.searchText = undefined;
      this.#recount(r);
      if (r.idx < before) updated.push(r.idx);
    }
    return { added: this.calls.length - before, updated };
  }

  /** A live approval change from the host (it may arrive before or after the journal's events). */
  applyApproval(info: ApprovalInfo): number | undefined {
    const r = this.#byCallId.get(info.callId);
    if (!r) return undefined;
    this.#callIdByApproval.set(info.approvalId, info.callId);
    applyApprovalInfo(r, info);
    r.outcome = outcomeOf(r);
    this.#recount(r);
    return r.idx;
  }

  #apply(e: WireEvent, at: number): CallRecord | undefined {
    const d = fieldsOf(e.data);
    switch (e.type) {
      case 'task.started':
        this.task.name = readString(d, 'name') ?? this.task.name;
        this.task.startedAt = e.ts;
        this.task.identity = readString(d, 'startedBy');
        this.task.agent = readString(d, 'agent');
        return undefined;
      case 'task.session':
        this.task.roleSessionName = readString(d, 'roleSessionName') ?? this.task.roleSessionName;
        return undefined;
      case 'task.ended':
        this.task.endedAt = e.ts;
        this.task.endReason = readString(d, 'reason');
        return undefined;
      case 'call.request': {
        const callId = readString(d, 'callId');
        if (!callId || this.#byCallId.has(callId)) return callId ? this.#byCallId.get(callId) : undefined;
        return this.#add(newCall(this.calls.length, callId, e, at, d));
      }
      case 'call.error': {
        const callId = readString(d, 'callId');
        const existing = callId ? this.#byCallId.get(callId) : undefined;
        if (existing) return applyCallEvent(existing, e, at, d);
        return this.#add(newRefusedCall(this.calls.length, callId ?? `refused-${e.seq ?? at}`, e, at, d));
      }
      default: {
        if (e.type.startsWith('approval.')) {
          const approvalId = readString(d, 'approvalId');
          const callId = readString(d, 'callId') ?? (approvalId && this.#callIdByApproval.get(approvalId));
          const r = callId ? this.#byCallId.get(callId) : undefined;
          if (!r || !approvalId) return undefined;
          this.#callIdByApproval.set(approvalId, r.callId);
          return applyApprovalEvent(r, e, d);
        }
        const callId = readString(d, 'callId');
        const r = callId ? this.#byCallId.get(callId) : undefined;
        return r ? applyCallEvent(r, e, at, d) : undefined;
      }
    }
  }

  #add(r: CallRecord): CallRecord {
    this.calls.push(r);
    this.#flags.push(0);
    this.#stamps.push(0);
    this.#byCallId.set(r.callId, r);
    this.services.set(r.service, (this.services.get(r.service) ?? 0) + 1);
    r.actions.forEach((a, i) => {
      if (r.actions.findIndex((b) => b.action === a.action) === i)
        this.actions.set(a.action, (this.actions.get(a.action) ?? 0) + 1);
    });
    this.#counts.calls++;
    return r;
  }

  #recount(r: CallRecord): void {
    const old = this.#flags[r.idx] ?? 0;
    const now = flagsOf(r);
    if (old === now) return;
    this.#flags[r.idx] = now;
    const c = this.#counts;
    const delta = (bit: number): number => ((now & bit) !== 0 ? 1 : 0) - ((old & bit) !== 0 ? 1 : 0);
    c.allowed += delta(F_ALLOWED);
    c.denied += delta(F_DENIED);
    c.approved += delta(F_APPROVED);
    c.pending += delta(F_PENDING);
    c.masked += delta(F_MASKED);
    c.refused += delta(F_REFUSED);
    c.failed += delta(F_FAILED);
  }
}
