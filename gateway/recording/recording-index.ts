import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { IMPORTED_DIR, importedSessionId, readBundleFile } from '../bundle/import-bundle';
import { journalContentSize } from '../journal/content-size';
import type { JournalEvent } from '../journal/events';
import type { SearchResult } from './call-search';
import { ChunkIndex, type ChunkIndexOptions } from './chunk-index';
import { type Catalog, loadCatalog, saveCatalog, type SourceEntry } from './index-catalog';
import { JournalEnds } from './journal-ends';
import {
  type CallFilter,
  type CallRow,
  compareSessions,
  sessionSummary,
  type SessionSummary,
} from './index-query';
import { anchorHolds, readSummaryFile, START, topUp } from './summary-checkpoint';
import { SummaryFold } from './summary-fold';

/** The single-file sql.js index of earlier versions: replaced by `index/`, removed when seen. */
const LEGACY_INDEX_FILE = 'index.sqlite';

export interface SyncReport {
  readonly indexedEvents: number;
  readonly rebuilt: readonly string[];
  readonly removed: readonly string[];
  readonly faults: readonly { readonly session: string; readonly fault: string }[];
  /**
   * Journals the gateway recorded a head for that are gone (not pruned by retention), and why
   * the ends of journals could not be checked at all (no or an unreadable journal-heads.json).
   */
  readonly missing: readonly { readonly session: string; readonly message: string }[];
  readonly headsUnchecked?: string;
}

export type IndexOptions = ChunkIndexOptions;

interface Report {
  indexedEvents: number;
  rebuilt: string[];
  removed: string[];
  faults: { session: string; fault: string }[];
  missing: { session: string; message: string }[];
  headsUnchecked?: string;
}

/**
 * The query side of the recordings, in two parts of very different cost (see docs/architecture-details.md):
 * - summaries (`syncSummaries`, what `airlock sessions` needs): per session, the counts as of a
 *   checkpoint (the gateway's summary file, or the catalog's own), topped up by reading only the
 *   journal bytes after it, verified from its chain head. O(sessions + recent bytes).
 * - the call index (`sync`, for `calls` and `show` filters): sql.js chunks of a fixed number of
 *   calls per source, with facets in the catalog, so a query loads only chunks that can match,
 *   one at a time. Building it reads each journal byte once, ever.
 * Everything under `index/` is derived: a lost or stale file costs reading its journal again.
 */
export class RecordingIndex {
  private dirty = false;
  private readonly chunks: ChunkIndex;
  /** Verified events of bundles read in this run (chunks are built from them). */
  private readonly bundleEvents = new Map<string, readonly JournalEvent[]>();
  /** Journals that end before the head the gateway recorded for them, as of the last sync. */
  private readonly ends = new JournalEnds();
  /** What the last sync found (the CLI warns about missing journals and unchecked ends). */
  lastSync: SyncReport | undefined;

  private constructor(
    private readonly dataDir: string,
    private readonly catalog: Catalog,
    opts: IndexOptions,
  ) {
    this.chunks = new ChunkIndex(dataDir, opts);
  }

  static async open(dataDir: string, opts: IndexOptions = {}): Promise<RecordingIndex> {
    await unlink(join(dataDir, LEGACY_INDEX_FILE)).catch(() => undefined);
    return new RecordingIndex(dataDir, await loadCatalog(dataDir), opts);
  }

  private journalFile(e: { file: string }): string {
    return join(this.dataDir, 'journal', e.file);
  }

  private fresh(session: string, kind: SourceEntry['kind'], file: string): SourceEntry {
    const e: SourceEntry = {
      session,
      kind,
      file,
      size: -1,
      mtimeMs: -1,
      latest: START,
    };
    this.catalog.sources[session] = e;
    this.dirty = true;
    return e;
  }

  /** Forgets a source's summary and call index (its chunk files go too). */
  private async reset(e: SourceEntry): Promise<SourceEntry> {
    await this.chunks.forget(e.session);
    return this.fresh(e.session, e.kind, e.file);
  }

  /** Catches the summaries up with the files on disk (cheap: see the class comment). */
  async syncSummaries(): Promise<Report> {
    const r: Report = { indexedEvents: 0, rebuilt: [], removed: [], faults: [], missing: [] };
    await this.ends.load(this.dataDir);
    const seen = new Set<string>();
    for (const name of await listFiles(join(this.dataDir, 'journal'), '.jsonl')) {
      const session = name.slice(0, -'.jsonl'.length);
      seen.add(session);
      await this.syncJournalSummary(session, name, r);
      const endFault = this.ends.check(session, this.catalog.sources[session]);
      if (endFault) r.faults.push({ session, fault: endFault });
    }
    r.missing = this.ends.missing(seen);
    r.headsUnchecked = this.ends.unchecked(seen.size);
    for (const name of await listFiles(join(this.dataDir, IMPORTED_DIR), '.airlock'))
      seen.add(await this.syncBundleSummary(name, r));
    for (const session of Object.keys(this.catalog.sources).filter((s) => !seen.has(s))) {
      await this.chunks.forget(session);
      delete this.catalog.sources[session];
      r.removed.push(session);
      this.dirty = true;
    }
    this.lastSync = r;
    return r;
  }

  private async syncJournalSummary(session: string, name: string, r: Report): Promise<void> {
    const file = join(this.dataDir, 'journal', name);
    const st = await stat(file).catch(() => undefined);
    if (!st) return;
    let e = this.catalog.sources[session];
    // What was written to it: the file's size moves only with each stretch filled ahead.
    const contentSize =
      e && e.size === st.size && e.mtimeMs === st.mtimeMs
        ? (e.contentSize ?? e.size)
        : await journalContentSize(file);
    // A journal shorter than what was read of it was cut or replaced: its index starts over.
    if (e && (e.kind !== 'journal' || contentSize < e.latest.offset)) {
      e = await this.reset(e);
      r.rebuilt.push(session);
    }
    if (e?.fault) {
      if (e.size === st.size && e.mtimeMs === st.mtimeMs) {
        r.faults.push({ session, fault: e.fault });
        return;
      }
      // A journal that failed verification is read again, from the start, once it changes.
      e = await this.reset(e);
      r.rebuilt.push(session);
    }
    if (e && e.size === st.size && e.mtimeMs === st.mtimeMs) return;
    if (e && e.size === st.size && (e.contentSize ?? e.size) === contentSize && contentSize > 0) {
      // Rewritten in place, not appended to (an edit, or a failed write rolled back): whatever
      // was read of it may have changed, so it is read and verified again from the start.
      e = await this.reset(e);
      r.rebuilt.push(session);
    }
    e ??= this.fresh(session, 'journal', name);
    const candidates = [e.latest, await readSummaryFile(this.dataDir, session)];
    const t = await topUp(file, candidates);
    if (t.base !== 0 && e.latest.offset > 0 && !(await anchorHolds(file, e.latest))) {
      // What was indexed no longer leads here (the file was replaced): start over.
      const latest = t.checkpoint;
      e = await this.reset(e);
      e.latest = latest;
      r.rebuilt.push(session);
    }
    r.indexedEvents += t.checkpoint.fold.session.events - (candidates[t.base]?.fold.session.events ?? 0);
    e.latest = t.checkpoint;
    e.size = st.size;
    e.mtimeMs = st.mtimeMs;
    e.contentSize = contentSize;
    if (t.fault) {
      e.fault = t.fault;
      r.faults.push({ session, fault: t.fault });
    }
    this.dirty = true;
  }

  private async syncBundleSummary(name: string, r: Report): Promise<string> {
    const file = join(this.dataDir, IMPORTED_DIR, name);
    const guess = name.slice(0, -'.airlock'.length);
    const st = await stat(file).catch(() => undefined);
    const known = this.catalog.sources[guess];
    if (!st || (known?.kind === 'bundle' && known.size === st.size && known.mtimeMs === st.mtimeMs))
      return guess;
    const v = await readBundleFile(file, true);
    if (!v.ok) {
      r.faults.push({ session: guess, fault: v.fault.message });
      return guess;
    }
    const session = importedSessionId(v.header.task.taskId, v.fingerprint);
    await this.chunks.forget(session);
    const e = this.fresh(session, 'bundle', name);
    const fold = new SummaryFold();
    const events = v.events ?? [];
    for (const ev of events) fold.apply(ev);
    this.bundleEvents.set(session, events);
    const head = v.header.events.head;
    e.latest = { offset: events.length, seq: head.seq, hash: head.hash, fold: fold.state() };
    e.imported = { signer: v.fingerprint, endedAt: v.header.task.endedAt };
    // An export made with --allow-truncated says so in its header; the listing says it too.
    if (v.incomplete !== undefined) e.fault = v.incomplete;
    e.size = st.size;
    e.mtimeMs = st.mtimeMs;
    r.indexedEvents += v.count;
    return session;
  }

  /** Summaries, then the call index, caught up with the files on disk. */
  async sync(): Promise<SyncReport> {
    const r = await this.syncSummaries();
    let indexedEvents = 0;
    for (const e of Object.values(this.catalog.sources)) {
      const built = await this.chunks.catchUp(e, this.bundleEvents.get(e.session));
      indexedEvents += built.events;
      if (built.fault && !e.fault) {
        // The chain breaks before the summary's checkpoint: count only what verifies.
        e.fault = built.fault;
        e.latest = (await topUp(this.journalFile(e), [], built.validBytes)).checkpoint;
        // The end was compared before the break was known: the break is the finding.
        const endFault = this.ends.withdraw(e.session);
        r.faults = r.faults.filter((f) => !(f.session === e.session && f.fault === endFault));
        r.faults.push({ session: e.session, fault: built.fault });
        this.dirty = true;
      }
    }
    this.lastSync = { ...r, indexedEvents: Math.max(indexedEvents, r.indexedEvents) };
    return this.lastSync;
  }

  /** Every session (local and imported) with its counts, newest first. */
  sessions(): SessionSummary[] {
    return (
      Object.values(this.catalog.sources)
        // A journal that breaks at its first line is still listed, with its fault.
        .filter((e) => e.latest.fold.session.events > 0 || e.fault !== undefined)
        .map((e) =>
          sessionSummary(e.session, e.latest.fold.session, {
            imported: e.imported,
            fault: this.ends.faultOf(e.session) ?? e.fault,
          }),
        )
        .sort(compareSessions)
    );
  }

  /** Why the session's journal ends before its recorded head, as of the last sync. */
  endFaultOf(session: string): string | undefined {
    return this.ends.faultOf(session);
  }

  /** Where the session's chain fails verification (or what its bundle says it lacks). */
  chainFaultOf(session: string): string | undefined {
    return this.catalog.sources[session]?.fault;
  }

  /**
   * Calls matching every filter, oldest first (then session, sequence), at most `limit`. Needs
   * sync() first. Loads only the chunks whose facets (and term filters, for text) can match.
   */
  async findCalls(f: CallFilter): Promise<CallRow[]> {
    return (await this.chunks.findCalls(Object.values(this.catalog.sources), f)).rows;
  }

  /** As findCalls, with the chunks that held them and where in the journal each call begins. */
  findCallsByChunk(f: CallFilter): Promise<SearchResult> {
    return this.chunks.findCalls(Object.values(this.catalog.sources), f, true);
  }

  /** Writes what changed (catalog, chunk directories); a lost file only costs reading again. */
  async save(): Promise<void> {
    await this.chunks.save();
    if (!this.dirty) return;
    await saveCatalog(this.dataDir, this.catalog);
    this.dirty = false;
  }

  close(): void {
    this.bundleEvents.clear();
  }
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(suffix)).sort();
}
