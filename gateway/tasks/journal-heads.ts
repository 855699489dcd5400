import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChainHead } from '../journal/chain';
import type { HeadRecorder, RecordedHead } from '../journal/recorded-head';
import { DataDirFileError } from '../storage/data-dir-error';
import { writeFileDurable } from '../storage/durable-file';

/**
 * Each journal's anchor (its last durable seq and hash), next to `tasks.json`. A file of its own
 * rather than a field of tasks.json: it is rewritten at every checkpoint while calls flow, and
 * tasks.json grows with every task's scope; this one holds one short line per journal.
 */
export const JOURNAL_HEADS_FILE = 'journal-heads.json';

/**
 * How long a durable head may wait in memory before it is written out. The journal's group
 * commit is the only fsync on the call path; anchors follow at most this much later, in one
 * write for every journal that moved (so at most one extra fsync per interval, whatever the load).
 */
export const CHECKPOINT_INTERVAL_MS = 1000;

const HEX64 = /^[0-9a-f]{64}$/;

interface HeadsFile {
  readonly v: 1;
  readonly heads: Record<string, RecordedHead & { readonly pruned?: true }>;
}

/** The anchors on disk, for readers (CLI, index, export, timeline): `missing` when there is no file. */
export interface RecordedHeads {
  readonly file: string;
  readonly missing: boolean;
  get(stream: string): RecordedHead | undefined;
  /** Retention deleted this journal (its anchor is kept, so a deleted journal can be told apart). */
  pruned(stream: string): boolean;
  streams(): string[];
}

function parseHeads(file: string, text: string): HeadsFile['heads'] {
  const invalid = (problem: string): DataDirFileError =>
    new DataDirFileError(
      'StateFileInvalid',
      file,
      problem,
      'It records where each journal ends, so that removed events are noticed. Restore it from a backup if you have one; otherwise move it aside (journals recorded so far are then not checked for removed events at their end).',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid(text.length === 0 ? 'is empty' : `is not valid JSON (${(e as Error).message})`);
  }
  const heads = (parsed as { heads?: unknown } | null)?.heads;
  if (typeof heads !== 'object' || heads === null || Array.isArray(heads))
    throw invalid('is not a journal head list ({"v":1,"heads":{...}})');
  for (const [stream, h] of Object.entries(heads as Record<string, unknown>)) {
    const head = h as Partial<RecordedHead> | null;
    if (!head || !Number.isSafeInteger(head.seq) || (head.seq ?? -1) < 0 || !HEX64.test(String(head.hash)))
      throw invalid(`has an unusable head for ${stream}`);
  }
  return heads as HeadsFile['heads'];
}

/** Reads the anchors as they are on disk now. Read them before the journals they anchor. */
export async function readRecordedHeads(dataDir: string): Promise<RecordedHeads> {
  const file = join(dataDir, JOURNAL_HEADS_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const heads = text === undefined ? {} : parseHeads(file, text);
  return {
    file,
    missing: text === undefined,
    get: (s) => {
      const h = Object.prototype.hasOwnProperty.call(heads, s) ? heads[s] : undefined;
      return h && { seq: h.seq, hash: h.hash };
    },
    pruned: (s) => Object.prototype.hasOwnProperty.call(heads, s) && heads[s]?.pruned === true,
    streams: () => Object.keys(heads),
  };
}

/** Where the store reports a failed checkpoint (structurally the gateway's logger). */
export interface HeadsLog {
  log(level: 'warn', msg: string, fields?: Record<string, unknown>): void;
}

/**
 * The gateway's side: keeps every journal's durable head in memory as the journal reports it and
 * writes them all out (atomically, durably) at checkpoints: at most CHECKPOINT_INTERVAL_MS after
 * a head moved, when a task ends, and on a clean shutdown. The file therefore never names a head
 * the journal had not made durable first, and lags it by at most one interval (plus a crash).
 */
export class JournalHeads implements HeadRecorder {
  private readonly heads = new Map<string, RecordedHead & { pruned?: true }>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly log?: HeadsLog,
    private readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {}

  /** Loads the anchors; a file that does not parse stops the start (DataDirFileError). */
  static async load(dataDir: string, log?: HeadsLog, intervalMs?: number): Promise<JournalHeads> {
    const store = new JournalHeads(join(dataDir, JOURNAL_HEADS_FILE), log, intervalMs);
    try {
      for (const [s, h] of Object.entries(parseHeads(store.file, await readFile(store.file, 'utf8'))))
        store.heads.set(s, h);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return store;
  }

  recorded(stream: string): RecordedHead | undefined {
    const h = this.heads.get(stream);
    return h && { seq: h.seq, hash: h.hash };
  }

  durable(stream: string, head: ChainHead): void {
    const known = this.heads.get(stream);
    if (known && known.seq >= head.seq && !known.pruned) return;
    this.heads.set(stream, { seq: head.seq, hash: head.hash });
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
    // A pending checkpoint never keeps a stopping process alive; close() writes it instead.
    this.timer.unref();
  }

  /** Marks a journal retention is deleting, so its absence is not taken for a removal. */
  pruned(stream: string): void {
    const h = this.heads.get(stream);
    if (!h) return;
    this.heads.set(stream, { ...h, pruned: true });
    this.dirty = true;
  }

  /**
   * Writes the anchors now if any moved. Never rejects: a failed write is logged and retried at
   * the next checkpoint (the journal itself is durable; only the check of its end waits).
   */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const out: HeadsFile = { v: 1, heads: Object.fromEntries(this.heads) };
      try {
        await writeFileDurable(this.file, JSON.stringify(out));
      } catch (e) {
        this.dirty = true;
        this.log?.log('warn', 'could not write journal heads; retrying at the next checkpoint', {
          file: this.file,
          error: String(e),
        });
      }
    });
    return this.writing;
  }
}
