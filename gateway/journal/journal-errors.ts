import type { ChainFault } from './chain';
import { describeEndFault, type EndFault } from './recorded-head';

/** Why a task's journal is not opened for appending: each leaves the file exactly as found. */
export class JournalCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly fault: ChainFault,
  ) {
    super(`journal ${path} fails verification at line ${fault.line} (${fault.kind}); it is left untouched`);
    this.name = 'JournalCorruptError';
  }
}

/**
 * The journal ends before the head the gateway recorded for it: durable events were removed.
 * Appending would extend the chain from the cut and hide it for good, so the journal is not opened.
 */
export class JournalEndError extends Error {
  constructor(
    readonly path: string,
    readonly taskId: string,
    readonly fault: EndFault,
  ) {
    super(`${describeEndFault(taskId, fault)}; ${path} is left untouched and calls of this task are refused`);
    this.name = 'JournalEndError';
  }
}
