/** An fdatasync on the event loop slower than this means a slow or busy disk. */
export const SLOW_INLINE_SYNC_MS = 25;
/** How long syncs then stay in the thread pool before the event loop is tried again. */
export const INLINE_SYNC_PAUSE_MS = 10_000;

/**
 * Where each journal fdatasync runs. On the event loop it saves a lone call the thread-pool
 * hand-off (a wake-up each way, measured at about 0.15 ms per call on a 2-vCPU VM), but it also
 * stops everything else in the gateway (control API, live events, approvals) until the disk
 * answers. So it is used only when no other call is in flight, and never for a while after the
 * disk was once slow: a sluggish disk costs one stall, not one per call.
 */
export class SyncPlacement {
  private pausedUntil = 0;

  constructor(
    /** True when no call but the one being journaled is in flight. */
    private readonly alone: () => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onLoop(): boolean {
    return this.alone() && this.now() >= this.pausedUntil;
  }

  /** Reports how long a sync on the event loop took. */
  tookOnLoop(ms: number): void {
    if (ms > SLOW_INLINE_SYNC_MS) this.pausedUntil = this.now() + INLINE_SYNC_PAUSE_MS;
  }
}
