import type { JournalEvent } from '../../gateway/journal/events';
import { collectCalls } from '../../gateway/review/session-calls';
import { reviewTask, type TaskReview } from '../../gateway/review/task-review';
import type { ReviewMessage } from '../../webview/src/protocol';

/** A session's verified events (a local journal, an imported bundle, an opened bundle) and what is wrong with it. */
export type RecordedEvents = (taskId: string) => Promise<{
  readonly events: readonly JournalEvent[];
  readonly warnings: readonly string[];
  /** The review a bundle carries, already checked equal to the one its events give. */
  readonly carried?: TaskReview;
}>;

/** The Review tab's answer: the review the CLI's `airlock review` gives, or why there is none. */
export async function answerReview(
  recorded: RecordedEvents | undefined,
  taskId: string,
): Promise<ReviewMessage> {
  if (!recorded) return { type: 'review', taskId, error: 'this view has no recording to review' };
  try {
    const { events, warnings, carried } = await recorded(taskId);
    const review = carried ?? reviewTask(collectCalls(events, taskId));
    return { type: 'review', taskId, review: warnings.length > 0 ? { ...review, warnings } : review };
  } catch (e) {
    return { type: 'review', taskId, error: e instanceof Error ? e.message : String(e) };
  }
}
