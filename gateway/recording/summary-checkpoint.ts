import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLink, isFault } from '../journal/chain';
import { streamJournal, eventOf } from '../journal/stream-journal';
import { emptyFoldState, type FoldState, SummaryFold } from './summary-fold';

/** Where the gateway keeps each task's summary: `<dataDir>/summaries/<taskId>.json`. */
export const SUMMARIES_DIR = 'summaries';
const FORMAT = 1;

/**
 * A summary as of a position in a journal: the fold of every event before `offset`, whose last
 * event has `seq` and `hash`. Whoever holds one reads only the journal bytes after `offset`.
 */
export interface Checkpoint {
  readonly offset: number;
  readonly seq: number;
  readonly hash: string;
  readonly fold: FoldState;
}

export const START: Checkpoint = {
  offset: 0,
  seq: 0,
  hash: '0'.repeat(64),
  fold: emptyFoldState(),
};

export function summaryFile(dataDir: string, taskId: string): string {
  return join(dataDir, SUMMARIES_DIR, `${taskId}.json`);
}

function isCheckpoint(v: unknown): v is Checkpoint {
  const c = v as Partial<Checkpoint> | undefined;
  const f = c?.fold as Partial<FoldState> | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isSafeInteger(c.offset) &&
    Number.isSafeInteger(c.seq) &&
    typeof c.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(c.hash) &&
    typeof f?.session === 'object' &&
    typeof f.counts === 'object' &&
    Array.isArray(f.open) &&
    Array.isArray(f.closed) &&
    Array.isArray(f.approvals)
  );
}

/** Parses a stored checkpoint; anything else (torn, other format) reads as none. */
export function parseCheckpoint(text: string, task: string): Checkpoint | undefined {
  try {
    const v = JSON.parse(text) as { format?: unknown; task?: unknown; checkpoint?: unknown };
    return v.format === FORMAT && v.task === task && isCheckpoint(v.checkpoint) ? v.checkpoint : undefined;
  } catch {
    return undefined;
  }
}

export function formatCheckpoint(task: string, checkpoint: Checkpoint): string {
  return JSON.stringify({ format: FORMAT, task, checkpoint });
}

export async function readSummaryFile(dataDir: string, taskId: string): Promise<Checkpoint | undefined> {
  const text = await readFile(summaryFile(dataDir, taskId), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseCheckpoint(text, taskId);
}

/** Atomic (temp file + rename): a reader sees the old summary or the new one, never half of one. */
export async function writeSummaryFile(dataDir: string, taskId: string, text: string): Promise<void> {
  const file = summaryFile(dataDir, taskId);
  const tmp = `${file}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await mkdir(join(dataDir, SUMMARIES_DIR), { recursive: true, mode: 0o700 });
    await writeFile(tmp, text, { mode: 0o600 });
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

const ANCHOR_WINDOW = 16 * 1024;

/**
 * Whether the journal line that ends at the checkpoint's offset is the event it names: intact
 * (its bytes hash to its own `hash`), with that seq and hash. One small read; it tells a journal
 * that was cut or replaced from the one the checkpoint was taken on.
 */
export async function anchorHolds(
  journalFile: string,
  cp: Pick<Checkpoint, 'offset' | 'seq' | 'hash'>,
): Promise<boolean> {
  if (cp.offset === 0) return cp.seq === 0;
  const fh = await open(journalFile, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    if ((await fh.stat()).size < cp.offset) return false;
    for (let window = ANCHOR_WINDOW; ; window *= 4) {
      const from = Math.max(0, cp.offset - window);
      const buf = Buffer.alloc(cp.offset - from);
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      if (bytesRead !== buf.length || buf[buf.length - 1] !== 0x0a) return false;
      const nl = buf.lastIndexOf(0x0a, buf.length - 2);
      if (nl < 0 && from > 0) continue;
      const raw = buf.toString('utf8', nl + 1, buf.length - 1);
      const parsed = JSON.parse(raw) as { prev?: unknown };
      if (typeof parsed.prev !== 'string') return false;
      const head = checkLink({ seq: cp.seq - 1, hash: parsed.prev }, parsed, cp.seq, raw);
      return !isFault(head) && head.hash === cp.hash;
    }
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

export interface ToppedUp {
  /** The summary up to the end of the verified part of the journal. */
  readonly checkpoint: Checkpoint;
  /** Which of the given checkpoints it started from; -1: none held, read from the start. */
  readonly base: number;
  /** Where the chain broke, as `bad-hash at line 12`. */
  readonly fault?: string;
  readonly missing: boolean;
}

/**
 * Takes the furthest of the given checkpoints that still holds for this journal (anchorHolds)
 * and folds the bytes after it, verifying the chain from its head: the cost is what was appended
 * since, not the journal. With none that holds, the journal is read (streamed) from the start.
 * `until` stops at an offset (the gateway catching up to where its own batches begin).
 */
export async function topUp(
  journalFile: string,
  candidates: readonly (Checkpoint | undefined)[],
  until?: number,
): Promise<ToppedUp> {
  const order = candidates
    .map((c, i) => ({ c, i }))
    .filter((x): x is { c: Checkpoint; i: number } => x.c !== undefined)
    .filter((x) => until === undefined || x.c.offset <= until)
    .sort((a, b) => b.c.offset - a.c.offset);
  let base = -1;
  let from = START;
  for (const { c, i } of order) {
    if (await anchorHolds(journalFile, c)) {
      base = i;
      from = c;
      break;
    }
  }
  const fold = new SummaryFold(from.fold);
  const r = await streamJournal(journalFile, (line, buf) => fold.apply(eventOf(line, buf)), {
    from: { offset: from.offset, head: { seq: from.seq, hash: from.hash } },
    until,
  });
  if (r.shrunk) return topUp(journalFile, [], until);
  return {
    checkpoint: { offset: r.validBytes, seq: r.head.seq, hash: r.head.hash, fold: fold.state() },
    base,
    fault: r.fault ? `${r.fault.kind} at line ${r.fault.line}` : undefined,
    missing: r.missing,
  };
}
