import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ChainHead, EMPTY_HEAD } from '../../gateway/journal/chain';
import { readJournalFile, readJournalTail } from '../../gateway/journal/read-journal';
import { checkEnd, describeEndFault, type RecordedHead } from '../../gateway/journal/recorded-head';
import { scanLines } from '../../gateway/journal/scan-lines';
import { CallIndex } from '../../webview/src/model/call-index';
import type { BodyDetail, TaskCounts, WireEvent } from '../../webview/src/protocol';
import { detailFrom, toWire } from './wire-events';

/** Byte ranges (absolute, in the journal file) of the event lines that carried a call's bodies. */
type Ranges = [number, number][];

export interface FeedBatch {
  readonly events: WireEvent[];
  /** The file got shorter than what was read (a rolled-back write): start over from these. */
  readonly reset: boolean;
}

/**
 * One task's journal, followed: each `read()` returns only what was appended since the last one
 * (resuming at a byte offset and chain head, as the recording index does), verified against the
 * chain. A torn last line (a write in progress, or cut by a crash) is left for the next read.
 * Counts for the task list are kept from the same stream (a CallIndex, as the webview keeps).
 * Bodies are not kept: their lines' offsets are, and `detail()` reads just those lines again.
 * Every read also checks the journal's end against the head the gateway recorded for it
 * (`recorded`, read first): a journal that ends before it lost events, and `fault` says so.
 */
export class JournalFeed {
  private offset = 0;
  private head: ChainHead = EMPTY_HEAD;
  private bodies = new Map<string, Ranges>();
  private index = new CallIndex();
  lastEventAt: string | undefined;
  /** Why reading stopped short (a broken chain), or that events were removed at the end. */
  fault: string | undefined;
  private chainFault: string | undefined;

  constructor(
    readonly file: string,
    private readonly recorded?: () => Promise<RecordedHead | undefined>,
    private readonly taskId = basename(file, '.jsonl'),
  ) {}

  get counts(): TaskCounts {
    return { ...this.index.counts };
  }

  /** Whether the journal was read at least once (counts are meaningless before). */
  started = false;

  private reading: Promise<unknown> = Promise.resolve();

  /** What was appended since the last read. Reads run one after another, never at once. */
  read(): Promise<FeedBatch> {
    const next = this.reading.then(
      () => this.readNow(),
      () => this.readNow(),
    );
    this.reading = next.catch(() => undefined);
    return next;
  }

  private async readNow(): Promise<FeedBatch> {
    // Before the journal: the recorded head can only lag what is read after it.
    const recorded = await this.recorded?.().catch(() => undefined);
    const buf = await readTail(this.file, this.offset);
    this.started = true;
    if (buf === 'shrunk') {
      this.offset = 0;
      this.head = EMPTY_HEAD;
      this.bodies = new Map();
      this.index = new CallIndex();
      this.chainFault = undefined;
      const again = await this.readNow();
      return { events: again.events, reset: true };
    }
    let hashAtRecorded = recorded?.seq === this.head.seq ? this.head.hash : undefined;
    const checkEndNow = (): void => {
      const end = checkEnd(this.head, recorded, hashAtRecorded);
      const endText = end ? describeEndFault(this.taskId, end) : undefined;
      this.fault =
        endText && this.chainFault ? `${endText}; ${this.chainFault}` : (endText ?? this.chainFault);
    };
    if (!buf || buf.length === 0) {
      checkEndNow();
      return { events: [], reset: false };
    }
    const base = this.offset;
    const events: WireEvent[] = [];
    const r = scanLines(buf, this.head, this.head.seq, (line) => {
      if (line.seq === recorded?.seq) hashAtRecorded = line.hash;
      const raw: unknown = line.parsed ?? JSON.parse(buf.toString('utf8', line.start, line.end));
      const s = toWire(raw);
      if (!s) return;
      events.push(s.wire);
      if (s.bodyOf) {
        const ranges = this.bodies.get(s.bodyOf) ?? [];
        ranges.push([base + line.start, base + line.end]);
        this.bodies.set(s.bodyOf, ranges);
      }
    });
    this.offset = base + r.validBytes;
    this.head = r.head;
    this.chainFault = r.fault
      ? `the journal's chain breaks at line ${r.fault.line} (${r.fault.kind})`
      : undefined;
    checkEndNow();
    if (events.length > 0) {
      this.index.ingest(events);
      this.lastEventAt = events[events.length - 1]?.ts;
    }
    return { events, reset: false };
  }

  /** The call's masked bodies, as recorded (read again from the journal lines that held them). */
  async detail(callId: string): Promise<{ request?: BodyDetail; response?: BodyDetail }> {
    const ranges = this.bodies.get(callId);
    if (!ranges) return {};
    const fh = await open(this.file, 'r');
    try {
      const raws: unknown[] = [];
      for (const [start, end] of ranges) {
        const b = Buffer.alloc(end - start);
        await fh.read(b, 0, b.length, start);
        raws.push(JSON.parse(b.toString('utf8')));
      }
      return detailFrom(raws);
    } finally {
      await fh.close();
    }
  }
}

/** Everything of a task's journal up to now, as sent on a reset (a webview that (re)loaded). */
export async function readAllWire(file: string): Promise<WireEvent[]> {
  const c = await readJournalFile(file);
  const out: WireEvent[] = [];
  for (const e of c.events) {
    const s = toWire(e);
    if (s) out.push(s.wire);
  }
  return out;
}

/** The file's bytes from `offset` on; undefined if it does not exist, 'shrunk' if it is shorter. */
async function readTail(file: string, offset: number): Promise<Buffer | 'shrunk' | undefined> {
  try {
    const { bytes, size } = await readJournalTail(file, offset);
    return size < offset ? 'shrunk' : bytes;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
