/**
 * Calls whose request is recorded and whose outcome never was: the gateway stopped between
 * forwarding them and its next group commit (one durability point per call). The same rule as
 * gateway/recording/unanswered-calls.ts, which `airlock show` uses.
 */
import type { TimelineMode } from '../protocol';
import type { CallRecord } from './call-record';

export const NOT_RECORDED = 'outcome not recorded: the gateway stopped';

/**
 * Calls that arrived before this moment (ms) and have no outcome were cut off. A bundle's writer
 * is gone; a live journal's calls from before the running gateway started were cut off, later
 * ones may be in flight; with no gateway running (no start time), every open call was cut off.
 */
export function unrecordedBefore(mode: TimelineMode, gatewayStartedAt: string | undefined): number {
  if (mode === 'bundle' || gatewayStartedAt === undefined) return Infinity;
  const at = Date.parse(gatewayStartedAt);
  return Number.isNaN(at) ? -Infinity : at;
}

export function isUnrecorded(r: CallRecord, before: number): boolean {
  return (
    r.method !== undefined &&
    r.status === undefined &&
    r.error === undefined &&
    r.decision !== 'deny' &&
    r.startMs < before
  );
}
