import type { ChainHead } from './chain';

/**
 * The journal's anchor: the last head (seq and hash) the gateway knew to be durable in a task's
 * journal, kept outside the journal (`gateway/tasks/journal-heads.ts`). The gateway records a
 * head only after the fdatasync that made it durable, so the recorded head can lag the journal
 * but never lead it: a journal that ends before its recorded head lost events that were on disk,
 * which no crash does (a crash only cuts an unterminated last line). Someone removed them.
 */
export type RecordedHead = ChainHead;

/** How a journal's end disagrees with the head the gateway recorded for it. */
export type EndFault =
  | {
      /** The journal ends before the recorded head: complete, durable events are gone. */
      readonly kind: 'truncated';
      readonly journalSeq: number;
      readonly recordedSeq: number;
    }
  | {
      /** The journal reaches the recorded seq, but that event is not the one recorded. */
      readonly kind: 'rewritten';
      readonly seq: number;
    };

/**
 * Where the recorded head's seq falls in what a reader has verified: the journal's head, and the
 * hash of the event at the recorded seq when the reader saw that event (undefined when the event
 * lies in a part it did not read this time, e.g. an index resuming at an offset).
 */
export function checkEnd(
  journalHead: ChainHead | undefined,
  recorded: RecordedHead | undefined,
  hashAtRecorded: string | undefined,
): EndFault | undefined {
  if (!recorded || recorded.seq === 0) return undefined;
  const seq = journalHead?.seq ?? 0;
  if (seq < recorded.seq) return { kind: 'truncated', journalSeq: seq, recordedSeq: recorded.seq };
  const hash = seq === recorded.seq ? journalHead?.hash : hashAtRecorded;
  if (hash !== undefined && hash !== recorded.hash) return { kind: 'rewritten', seq: recorded.seq };
  return undefined;
}

/** The sentence every reader shows (CLI, index, export, timeline): the same words everywhere. */
export function describeEndFault(stream: string, f: EndFault): string {
  return f.kind === 'truncated'
    ? `journal of task ${stream} ends at seq ${f.journalSeq} but the gateway recorded seq ${f.recordedSeq}: events were removed`
    : `journal of task ${stream} was rewritten: its event seq ${f.seq} is not the one the gateway recorded`;
}

/**
 * What the journal keeps its anchors in. The journal calls `durable` after every group commit
 * (in memory, no I/O: the store writes them out at checkpoints, never on the call path), and
 * `flush` where the head must be on disk before going on (a task's end, shutdown).
 */
export interface HeadRecorder {
  recorded(stream: string): RecordedHead | undefined;
  durable(stream: string, head: ChainHead): void;
  flush(): Promise<void>;
}
