import { join } from 'node:path';
import { checkEnd, describeEndFault, type RecordedHead } from '../../gateway/journal/recorded-head';
import { type Checkpoint, readSummaryFile, topUp } from '../../gateway/recording/summary-checkpoint';
import type { TaskCounts } from '../../webview/src/protocol';

/**
 * One live task's counts for the task list, without reading its journal: the gateway's summary
 * (`<dataDir>/summaries/<task>.json`, a checkpoint of counts and the journal position they
 * reflect) topped up with the journal bytes appended after it, verified from its chain head.
 * Each later read starts where the last one stopped, so a task costs its new bytes, never its
 * size. A journal that was cut or replaced fails the checkpoint's anchor and is counted afresh.
 */
export class TaskCounter {
  private checkpoint: Checkpoint | undefined;
  private reading: Promise<boolean> = Promise.resolve(false);
  /**
   * Where the chain breaks, if it does (counts stop there), and whether the journal ends before
   * the head the gateway recorded for it (events were removed).
   */
  fault: string | undefined;

  constructor(
    private readonly dataDir: string,
    readonly taskId: string,
    private readonly recorded?: () => Promise<RecordedHead | undefined>,
  ) {}

  get started(): boolean {
    return this.checkpoint !== undefined;
  }

  get counts(): TaskCounts | undefined {
    return this.checkpoint && { ...this.checkpoint.fold.counts };
  }

  get lastEventAt(): string | undefined {
    return this.checkpoint?.fold.session.lastTs;
  }

  /** Catches up; resolves true when the counts changed. Reads run one after another. */
  read(): Promise<boolean> {
    const next = this.reading.then(
      () => this.readNow(),
      () => this.readNow(),
    );
    this.reading = next.catch(() => false);
    return next;
  }

  private async readNow(): Promise<boolean> {
    const file = join(this.dataDir, 'journal', `${this.taskId}.jsonl`);
    const before = this.checkpoint;
    const faultBefore = this.fault;
    // Before the journal: the recorded head can only lag what is read after it.
    const recorded = await this.recorded?.().catch(() => undefined);
    // The gateway's summary first, then our own position: whichever is further and still holds.
    const candidates = [before, before ? undefined : await readSummaryFile(this.dataDir, this.taskId)];
    const r = await topUp(file, candidates);
    this.checkpoint = r.checkpoint;
    const chain = r.fault && `the journal's chain breaks at ${r.fault}`;
    // The seq is always checked; the hash when the recorded head is the checkpoint's own.
    const f = checkEnd({ seq: r.checkpoint.seq, hash: r.checkpoint.hash }, recorded, undefined);
    const end = f && describeEndFault(this.taskId, f);
    this.fault = end && chain ? `${end}; ${chain}` : (end ?? chain);
    return (
      before === undefined ||
      r.checkpoint.offset !== before.offset ||
      r.base !== 0 ||
      this.fault !== faultBefore
    );
  }
}
