/** Binary searches over the filtered calls by time (calls are in arrival order, so by time too). */
import type { CallRecord } from './call-record';

/** Position in `indices` of the last call that started at or before `at`, or -1. */
export function lastStartedBy(calls: readonly CallRecord[], indices: readonly number[], at: number): number {
  let lo = 0;
  let hi = indices.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (calls[indices[mid]!]!.startMs <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Position in `indices` of the call that started nearest to `at`, or -1 when there are none. */
export function nearestTo(calls: readonly CallRecord[], indices: readonly number[], at: number): number {
  if (indices.length === 0) return -1;
  const before = lastStartedBy(calls, indices, at);
  const after = before + 1;
  if (before < 0) return 0;
  if (after >= indices.length) return before;
  const dBefore = at - calls[indices[before]!]!.startMs;
  const dAfter = calls[indices[after]!]!.startMs - at;
  return dAfter < dBefore ? after : before;
}
