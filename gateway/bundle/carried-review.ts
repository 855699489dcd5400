import { canonicalJson } from '../journal/canonical-json';
import type { JournalEvent } from '../journal/events';
import { REVIEW_FORMAT, REVIEW_VERSION, type TaskReview } from '../review/review-types';
import { collectCalls } from '../review/session-calls';
import { reviewTask } from '../review/task-review';

/** The review a bundle carries, computed at export from exactly the events it holds. */
export function reviewForBundle(events: readonly JournalEvent[], taskId: string): TaskReview {
  return reviewTask(collectCalls(events, taskId));
}

export type CarriedCheck =
  | { readonly kind: 'same'; readonly review: TaskReview }
  /** Made by an airlock with another review version: not comparable, the recomputed one is shown. */
  | { readonly kind: 'other-version'; readonly note: string }
  | { readonly kind: 'differs'; readonly message: string };

/**
 * Checks the review a bundle carries against the one its verified events give. The events are
 * the record: a carried review that says anything else (a forger re-signed an edited header, or
 * an exporter bug) is a fault, named by the first part of the review that differs.
 */
export function checkCarriedReview(
  carried: unknown,
  events: readonly JournalEvent[],
  taskId: string,
): CarriedCheck {
  const c = carried as Partial<TaskReview> | null;
  if (c?.format === REVIEW_FORMAT && c.version !== REVIEW_VERSION)
    return {
      kind: 'other-version',
      note: `the bundle carries a version ${String(c.version)} review; this airlock reviews with version ${REVIEW_VERSION} and shows the review recomputed from the events`,
    };
  const recomputed = reviewForBundle(events, taskId);
  if (c === null || typeof c !== 'object' || canonicalJson(c) !== canonicalJson(recomputed)) {
    const parts = Object.keys(recomputed) as (keyof TaskReview)[];
    const differing = parts.filter(
      (k) => canonicalJson((c as Record<string, unknown> | null)?.[k]) !== canonicalJson(recomputed[k]),
    );
    const named = differing.length > 0 ? differing.join(', ') : 'members the review does not have';
    return {
      kind: 'differs',
      message: `the review carried in the bundle does not match its events (differs in: ${named}); the events are the record, so this bundle's review cannot be trusted`,
    };
  }
  return { kind: 'same', review: c as TaskReview };
}
