/**
 * How many request-body bytes the gateway holds in memory at once. Bodies of requests whose
 * signature is not yet verified are what anyone who knows a task key id can make the gateway
 * hold, so they get a tight budget of their own; every buffered body (verified or not, held for
 * an approval or not) counts against a larger total. A request that does not fit is refused
 * before its body is read, never queued.
 */

export interface BodyBudgetLimits {
  /** Bytes buffered by requests whose signature is not verified yet. */
  readonly unverifiedBytes: number;
  /** Bytes buffered by all requests in the pipeline. */
  readonly totalBytes: number;
  /**
   * Bodies up to this size may go past both limits by `smallHeadroomBytes`, so a few large
   * bodies cannot shut out the small API calls of everyone else.
   */
  readonly smallBodyBytes: number;
  readonly smallHeadroomBytes: number;
}

export const DEFAULT_BODY_BUDGET: BodyBudgetLimits = {
  unverifiedBytes: 64 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
  smallBodyBytes: 64 * 1024,
  smallHeadroomBytes: 8 * 1024 * 1024,
};

/** Bytes one request holds; grows while a body of unknown length arrives. Release exactly once. */
export interface BodyLease {
  readonly bytes: number;
  /** Takes `more` bytes; false (and nothing taken) when they do not fit. */
  grow(more: number): boolean;
  /** The signature checked out: the bytes stop counting as unverified. */
  verified(): void;
  release(): void;
}

export class BodyBudget {
  private unverified = 0;
  private total = 0;

  constructor(private readonly limits: BodyBudgetLimits = DEFAULT_BODY_BUDGET) {}

  /** Current use, for tests and logs. */
  usage(): { unverified: number; total: number } {
    return { unverified: this.unverified, total: this.total };
  }

  /**
   * Reserves `bytes` (the declared Content-Length, or 0 for a body of unknown length that will
   * grow) for a request, unverified unless said otherwise. Undefined when it does not fit.
   */
  reserve(bytes: number, unverified: boolean): BodyLease | undefined {
    if (!this.fits(bytes, bytes, unverified)) return undefined;
    this.take(bytes, unverified);
    return this.lease(bytes, unverified);
  }

  private fits(add: number, leaseSize: number, unverified: boolean): boolean {
    const l = this.limits;
    const extra = leaseSize <= l.smallBodyBytes ? l.smallHeadroomBytes : 0;
    if (this.total + add > l.totalBytes + extra) return false;
    return !unverified || this.unverified + add <= l.unverifiedBytes + extra;
  }

  private take(bytes: number, unverified: boolean): void {
    this.total += bytes;
    if (unverified) this.unverified += bytes;
  }

  private lease(initial: number, startsUnverified: boolean): BodyLease {
    let bytes = initial;
    let unverified = startsUnverified;
    let released = false;
    return {
      get bytes() {
        return bytes;
      },
      grow: (more: number): boolean => {
        if (released || !this.fits(more, bytes + more, unverified)) return false;
        this.take(more, unverified);
        bytes += more;
        return true;
      },
      verified: (): void => {
        if (released || !unverified) return;
        unverified = false;
        this.unverified -= bytes;
      },
      release: (): void => {
        if (released) return;
        released = true;
        this.total -= bytes;
        if (unverified) this.unverified -= bytes;
      },
    };
  }
}
