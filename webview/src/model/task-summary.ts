/**
 * Counts for the task list, from a task's events. Pure and DOM-free: the extension host imports
 * it to fill `TaskSummary.counts` (keep a `CallIndex` per task instead to count a live stream).
 */
import type { TaskCounts, WireEvent } from '../protocol';
import { CallIndex } from './call-index';

export function summarizeTask(events: readonly WireEvent[]): { counts: TaskCounts; lastEventAt?: string } {
  const index = new CallIndex();
  index.ingest(events);
  const last = events.at(-1);
  return { counts: { ...index.counts }, lastEventAt: last?.ts };
}
