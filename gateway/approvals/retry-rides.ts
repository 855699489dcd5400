/**
 * Retries that ride on an approve-once approval. An approval lets one call through; when AWS
 * fails that call (a 5xx, throttling, or it could not be reached), the SDK's automatic retry of
 * the very same request (same request key) goes through on the same approval instead of asking
 * the human again, a bounded number of times and only shortly after the failure. Anything else —
 * a success, a 4xx, a failure on the gateway's or the agent's side — closes the approval for good.
 */

/** What became of an attempt an approval let through. */
export type AttemptOutcome =
  /** AWS answered (the status and error code it sent, before any masking or recording). */
  | { readonly kind: 'answered'; readonly status: number; readonly errorCode?: string }
  /** AWS could not be reached or went silent (connect error, reset, timeout). */
  | { readonly kind: 'unreachable' }
  /** The gateway never got an answer from AWS for another reason (the agent's body broke, signing failed). */
  | { readonly kind: 'not-forwarded' };

/** Retries per approval: with the approved attempt, five — the most an SDK's default retry mode makes. */
export const MAX_RIDES = 4;
/** How long after a failure its retry may ride (SDK back-off tops out at 20 s). */
export const RIDE_WINDOW_MS = 60_000;

/**
 * Error codes with which AWS says it did not act because of load (botocore's and the JS SDK's
 * throttling lists). Some services send them with a 400.
 */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Describes the failure when its retry may ride (`HTTP 500 InternalError`), else undefined. */
export function retryableFailure(o: AttemptOutcome): string | undefined {
  switch (o.kind) {
    case 'unreachable':
      return 'AWS could not be reached';
    case 'not-forwarded':
      return undefined;
    case 'answered': {
      const what = `HTTP ${o.status}${o.errorCode ? ` ${o.errorCode}` : ''}`;
      if (o.status >= 500 || o.status === 429) return what;
      if (o.status >= 400 && o.errorCode !== undefined && THROTTLING_CODES.has(o.errorCode)) return what;
      return undefined;
    }
  }
}

/** A retry riding on an approval: the attempt AWS failed, how, and which retry this is (1-based). */
export interface Ride {
  readonly callId: string;
  readonly failure: string;
  readonly retry: number;
}

/** One approve-once approval's attempts in flight and the ride its last failure opened. */
export class RideState {
  private inFlight: string | undefined;
  private open: { callId: string; failure: string; untilMs: number } | undefined;
  private count = 0;

  /** An attempt (the approved one, or a retry riding) is being forwarded. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  get ridden(): number {
    return this.count;
  }

  /** The approval let `callId` through. */
  released(callId: string): void {
    this.inFlight = callId;
    this.open = undefined;
  }

  /**
   * The attempt let through finished; true when a retry of it may now ride (only when `mayRide`:
   * the approval was approve-once and is still the one its request key leads to).
   */
  finished(callId: string, outcome: AttemptOutcome, nowMs: number, mayRide: boolean): boolean {
    if (this.inFlight !== callId) return false;
    this.inFlight = undefined;
    const failure = retryableFailure(outcome);
    if (!mayRide || failure === undefined || this.count >= MAX_RIDES) return false;
    this.open = { callId, failure, untilMs: nowMs + RIDE_WINDOW_MS };
    return true;
  }

  /** A retry of the same call arrived: it rides if a failure opened a ride that is still open. */
  take(callId: string, nowMs: number): Ride | undefined {
    const o = this.open;
    if (!o || this.inFlight !== undefined || nowMs > o.untilMs) return undefined;
    this.open = undefined;
    this.count += 1;
    this.inFlight = callId;
    return { callId: o.callId, failure: o.failure, retry: this.count };
  }
}
