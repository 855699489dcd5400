import type { ApprovalInfo } from '../protocol';
import type { HoldOutcome } from './approval-types';
import { RideState } from './retry-rides';
import type { GrantPair } from './task-grants';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Schedules `fn` after `ms`; returns a cancel function. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** A call held on an approval. */
export interface Waiter {
  readonly callId: string;
  readonly resolve: (o: HoldOutcome) => void;
}

/** One approval and what hangs on it. */
export interface Entry {
  readonly info: Mutable<ApprovalInfo>;
  /** Task id and request key: what the attempts of one call share. */
  readonly mapKey: string;
  readonly pairs: readonly GrantPair[];
  readonly timeoutSeconds: number;
  readonly requestedMs: number;
  readonly recorded: Promise<void>;
  waiters: Waiter[];
  /** An approve-once decision already let one call through. */
  consumed: boolean;
  deciding: boolean;
  /** The attempt let through and the retries that may ride on it (retry-rides.ts). */
  readonly rides: RideState;
  /** Its time is up but an attempt it let through is still in flight: dropped when that ends. */
  dropWhenIdle: boolean;
  cancelTimer: () => void;
}

/** What an approval is raised with; the rest of its entry starts empty. */
export type NewEntry = Pick<
  Entry,
  'info' | 'mapKey' | 'pairs' | 'timeoutSeconds' | 'requestedMs' | 'recorded'
>;

const defaultTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/** The key the attempts of one call share: its task and its request key (request-key.ts). */
export function mapKeyOf(taskId: string, requestKey: string): string {
  return `${taskId}\n${requestKey}`;
}

/** What callers see of an approval: a copy, never the entry's own state. */
export function snapshot(e: Entry): ApprovalInfo {
  return { ...e.info, resources: [...e.info.resources], grantable: e.pairs.length > 0 };
}

/**
 * The approvals the manager keeps, by id (for deciders) and by call (for its retries), and the one
 * timer each has: its expiry while pending, its drop once decided. A newer approval of the same
 * call takes the key over, so an old entry only ever removes itself.
 */
export class ApprovalEntries {
  private readonly byId = new Map<string, Entry>();
  private readonly byKey = new Map<string, Entry>();

  constructor(private readonly setTimer: SetTimer = defaultTimer) {}

  add(fields: NewEntry): Entry {
    const e: Entry = {
      ...fields,
      waiters: [],
      consumed: false,
      deciding: false,
      rides: new RideState(),
      dropWhenIdle: false,
      cancelTimer: () => undefined,
    };
    this.byId.set(e.info.approvalId, e);
    this.byKey.set(e.mapKey, e);
    return e;
  }

  get(approvalId: string): Entry | undefined {
    return this.byId.get(approvalId);
  }

  forKey(mapKey: string): Entry | undefined {
    return this.byKey.get(mapKey);
  }

  /** Whether `e` is still the approval its call's attempts find. */
  isCurrent(e: Entry): boolean {
    return this.byKey.get(e.mapKey) === e;
  }

  all(): IterableIterator<Entry> {
    return this.byId.values();
  }

  /** Runs `fn` after `ms` as the entry's timer (the one `cancelTimer` cancels). */
  schedule(e: Entry, fn: () => void, ms: number): void {
    e.cancelTimer = this.setTimer(fn, ms);
  }

  /** Forgets a decided approval after `ms`, but never while an attempt it let through is in flight. */
  dropAfter(e: Entry, ms: number): void {
    e.cancelTimer();
    e.dropWhenIdle = false;
    this.schedule(
      e,
      () => {
        if (e.rides.busy) e.dropWhenIdle = true;
        else this.drop(e);
      },
      ms,
    );
  }

  drop(e: Entry): void {
    e.cancelTimer();
    if (this.byKey.get(e.mapKey) === e) this.byKey.delete(e.mapKey);
    if (this.byId.get(e.info.approvalId) === e) this.byId.delete(e.info.approvalId);
  }

  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }
}
