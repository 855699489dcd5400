/** The state a task's summary is folded into (summary-fold.ts), as stored in summary files. */

/** The webview's TaskCounts (webview/src/protocol.ts), which this must stay assignable to. */
export interface TimelineCounts {
  calls: number;
  allowed: number;
  denied: number;
  approved: number;
  pending: number;
  masked: number;
  refused: number;
  failed: number;
}

export interface SessionFacts {
  /** The task named by the first event (an imported session's id is not its task id). */
  task?: string;
  events: number;
  calls: number;
  allowed: number;
  denied: number;
  errors: number;
  approvals: number;
  masked: number;
  firstTs?: string;
  lastTs?: string;
  name?: string;
  startedBy?: string;
  agent?: string;
  workspace?: string;
  startedAt?: string;
  expiresAt?: string;
  endedAt?: string;
  endReason?: string;
}

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** What decides a call's flags (short keys: these are written to disk for every open call). */
export interface CallState {
  readonly id: string;
  /** Flags last counted. */
  f: number;
  /** Decision. */
  d?: string;
  /** Approval id and state. */
  a?: string;
  s?: ApprovalState;
  /** Response status, aborted, gateway error, masked fields seen. */
  st?: number;
  ab?: boolean;
  e?: boolean;
  m?: boolean;
}

export interface FoldState {
  readonly session: SessionFacts;
  readonly counts: TimelineCounts;
  /** Calls whose counts may still change, oldest first. */
  readonly open: readonly CallState[];
  readonly closed: readonly CallState[];
  /** Approval id → the call that raised it, for calls above. */
  readonly approvals: readonly (readonly [string, string])[];
}

export const RECENT_CLOSED = 64;
/** Calls that never got an answer (a crash) stop being tracked beyond this many; their counts stay. */
export const MAX_OPEN = 50_000;

export const F_ALLOWED = 1;
export const F_DENIED = 2;
export const F_APPROVED = 4;
export const F_PENDING = 8;
export const F_MASKED = 16;
export const F_REFUSED = 32;
export const F_FAILED = 64;

/** A call's flags, as the webview's outcomeOf / isFailed decide them (webview/src/model/call-record.ts). */
export function outcomeFlags(c: CallState): number {
  let f = 0;
  let allowedish = false;
  if (c.d === 'deny') f |= F_DENIED;
  else if (c.d === 'allow') {
    f |= c.a !== undefined && c.s === 'approved' ? F_APPROVED : F_ALLOWED;
    allowedish = true;
  } else if (c.a !== undefined) {
    if (c.s === 'pending') f |= F_PENDING;
    else if (c.s === 'approved') {
      f |= F_APPROVED;
      allowedish = true;
    } else f |= F_DENIED;
  } else if (c.e) f |= F_REFUSED;
  if (c.m) f |= F_MASKED;
  if (allowedish && ((c.st ?? 0) >= 400 || c.ab === true)) f |= F_FAILED;
  return f;
}

export function emptyFoldState(): FoldState {
  return {
    session: { events: 0, calls: 0, allowed: 0, denied: 0, errors: 0, approvals: 0, masked: 0 },
    counts: { calls: 0, allowed: 0, denied: 0, approved: 0, pending: 0, masked: 0, refused: 0, failed: 0 },
    open: [],
    closed: [],
    approvals: [],
  };
}
