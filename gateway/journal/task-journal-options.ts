import type { ChainHead } from './chain';
import type { JournalEvent } from './events';
import type { HeadRecorder } from './recorded-head';
import type { JournalEnd } from './reopen-journal';
import type { SyncPlacement } from './sync-placement';

/** Lets tests simulate a full or failing disk without touching the real one. */
export type WriteFaultHook = () => Error | undefined;

/**
 * Told of every batch once it is durable, in chain order: its events and the byte range they
 * took (`from`..`to`, `head` after them). Runs on the hot path: it must be cheap and not throw.
 */
export type DurableHook = (
  events: readonly JournalEvent[],
  from: number,
  to: number,
  head: ChainHead,
) => void;

/** What a task journal is opened with (`TaskJournal.open`); without any, a plain journal. */
export interface TaskJournalOptions {
  /** Consulted before every write; the error it returns fails that write. */
  readonly fault?: WriteFaultHook;
  /** Where each fdatasync runs; without it, always in the thread pool. */
  readonly sync?: SyncPlacement;
  /**
   * The heads the gateway recorded outside the journal: a journal that ends before its own
   * refuses to open, and every durable head is reported to it.
   */
  readonly heads?: HeadRecorder;
  readonly onDurable?: DurableHook;
  /** Where this journal ended when this gateway last closed it (see `TaskJournal.end`). */
  readonly known?: JournalEnd;
  /** Told when the journal has nothing queued, unsynced or in flight: it may be closed. */
  readonly onIdle?: () => void;
}
