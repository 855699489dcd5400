import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ChainHead, EMPTY_HEAD } from '../../gateway/journal/chain';
import { readJournalTail } from '../../gateway/journal/read-journal';
import { checkEnd, describeEndFault, type RecordedHead } from '../../gateway/journal/recorded-head';
import { type LineEnvelope, scanLines } from '../../gateway/journal/scan-lines';
import { streamJournal } from '../../gateway/journal/stream-journal';
import type { BodyDetail, WireEvent } from '../../webview/src/protocol';
import { detailFrom, toWire } from './wire-events';

/** Byte ranges (absolute, in the journal file) of the event lines that carried a call's bodies. */
type Ranges = [number, number][];

export interface FeedBatch {
  readonly events: WireEvent[];
  /** The file got shorter than what was read (a rolled-back write): start over from these. */
  readonly reset: boolean;
}

/**
 * One open task's journal, followed: `readAll()` sends everything (a session panel that loaded),
 * then each `read()` returns only what was appended since (resuming at a byte offset and chain
 * head, as the recording index does), verified against the chain. A torn last line (a write in
 * progress, or cut by a crash) is left for the next read. Only tasks someone opened have a feed:
 * the task list's counts come from summaries (TaskCounter). Bodies are not kept: their lines'
 * offsets are, and `detail()` reads just those lines again.
 */
export class JournalFeed {
  private offset = 0;
  private head: ChainHead = EMPTY_HEAD;
  private bodies = new Map<string, Ranges>();
  /**
   * Why reading stopped short (a broken chain), or that events were removed at the end (the
   * journal ends before the head the gateway recorded for it, read before each read).
   */
  fault: string | undefined;
  private chainFault: string | undefined;

  constructor(
    readonly file: string,
    private readonly recorded?: () => Promise<RecordedHead | undefined>,
    private readonly taskId = basename(file, '.jsonl'),
  ) {}

  private reading: Promise<unknown> = Promise.resolve();

  /** What was appended since the last read. Reads run one after another, never at once. */
  read(): Promise<FeedBatch> {
    return this.serial(() => this.readNow());
  }

  /** Everything up to now, read again from the start (streamed); later reads follow on from it. */
  readAll(): Promise<WireEvent[]> {
    return this.serial(async () => {
      this.reset();
      const recorded = await this.recordedNow();
      let hashAtRecorded: string | undefined;
      const events: WireEvent[] = [];
      const r = await streamJournal(this.file, (line, buf, base) => {
        if (line.seq === recorded?.seq) hashAtRecorded = line.hash;
        this.take(line, buf, base, events);
      });
      this.offset = r.validBytes;
      this.head = r.head;
      this.chainFault = faultText(r.fault);
      this.checkEnd(recorded, hashAtRecorded);
      return events;
    });
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.reading.then(run, run);
    this.reading = next.catch(() => undefined);
    return next;
  }

  private reset(): void {
    this.offset = 0;
    this.head = EMPTY_HEAD;
    this.bodies = new Map();
    this.fault = undefined;
    this.chainFault = undefined;
  }

  /** Read before the journal: the recorded head can only lag what is read after it. */
  private async recordedNow(): Promise<RecordedHead | undefined> {
    return this.recorded?.().catch(() => undefined);
  }

  private checkEnd(recorded: RecordedHead | undefined, hashAtRecorded: string | undefined): void {
    const end = checkEnd(this.head, recorded, hashAtRecorded);
    const endText = end ? describeEndFault(this.taskId, end) : undefined;
    this.fault = endText && this.chainFault ? `${endText}; ${this.chainFault}` : (endText ?? this.chainFault);
  }

  private take(line: LineEnvelope, buf: Buffer, base: number, events: WireEvent[]): void {
    const raw: unknown = line.parsed ?? JSON.parse(buf.toString('utf8', line.start, line.end));
    const s = toWire(raw);
    if (!s) return;
    events.push(s.wire);
    if (s.bodyOf) {
      const ranges = this.bodies.get(s.bodyOf) ?? [];
      ranges.push([base + line.start, base + line.end]);
      this.bodies.set(s.bodyOf, ranges);
    }
  }

  private async readNow(): Promise<FeedBatch> {
    const recorded = await this.recordedNow();
    const buf = await readTail(this.file, this.offset);
    if (buf === 'shrunk') {
      this.reset();
      const again = await this.readNow();
      return { events: again.events, reset: true };
    }
    let hashAtRecorded = recorded?.seq === this.head.seq ? this.head.hash : undefined;
    if (!buf || buf.length === 0) {
      this.checkEnd(recorded, hashAtRecorded);
      return { events: [], reset: false };
    }
    const base = this.offset;
    const events: WireEvent[] = [];
    const r = scanLines(buf, this.head, this.head.seq, (line) => {
      if (line.seq === recorded?.seq) hashAtRecorded = line.hash;
      this.take(line, buf, base, events);
    });
    this.offset = base + r.validBytes;
    this.head = r.head;
    this.chainFault = faultText(r.fault);
    this.checkEnd(recorded, hashAtRecorded);
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

function faultText(f: { line: number; kind: string } | undefined): string | undefined {
  return f ? `the journal's chain breaks at line ${f.line} (${f.kind})` : undefined;
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
