/**
 * One task's access review in the timeline: asked of the host once, when the Review tab first
 * opens (the host computes it with gateway/review/ from the verified journal or bundle), shown as
 * it came. Long lists are cut to what a screen can hold, so a 100,000-call task renders at once;
 * the counts always say how many there are.
 */
import type { ReviewMessage, TaskReview, WebviewMessage } from '../protocol';

export type ReviewLoad = 'idle' | 'loading' | 'loaded' | 'failed';

/** Rows shown per list before "n more" (the JSON and Markdown exports have them all). */
export const REVIEW_ROWS = 200;

export class ReviewState {
  readonly taskId: string;
  load: ReviewLoad = $state('idle');
  /** Plain data, replaced whole: a review is never edited in place. */
  review: TaskReview | undefined = $state.raw(undefined);
  error: string | undefined = $state(undefined);
  /** Calls were recorded after the review was made (a running task). */
  stale: boolean = $state(false);

  #post: (message: WebviewMessage) => void;

  constructor(taskId: string, post: (message: WebviewMessage) => void) {
    this.taskId = taskId;
    this.#post = post;
  }

  /** Asks the host for the review, unless it is on its way or here (`refresh`: ask again). */
  request(refresh = false): void {
    if (this.load === 'loading' || (this.load === 'loaded' && !refresh)) return;
    this.load = 'loading';
    this.#post({ type: 'requestReview', taskId: this.taskId });
  }

  /** Opens the least-privilege policy for this task in an editor (the host writes it). */
  suggestPolicy(): void {
    this.#post({ type: 'suggestPolicy', taskId: this.taskId });
  }

  markStale(): void {
    if (this.load === 'loaded') this.stale = true;
  }

  /** Opens this task's calls decided again under a policy the user picks (the host asks which). */
  comparePolicy(): void {
    this.#post({ type: 'comparePolicy', taskId: this.taskId });
  }

  receive(msg: ReviewMessage): void {
    this.stale = false;
    if (msg.review) {
      this.review = msg.review;
      this.error = undefined;
      this.load = 'loaded';
    } else {
      this.error = msg.error ?? 'no review';
      this.load = 'failed';
    }
  }
}

/** The first `REVIEW_ROWS` of a list, and how many were left out. */
export function firstRows<T>(rows: readonly T[]): { shown: readonly T[]; more: number } {
  return rows.length <= REVIEW_ROWS
    ? { shown: rows, more: 0 }
    : { shown: rows.slice(0, REVIEW_ROWS), more: rows.length - REVIEW_ROWS };
}
