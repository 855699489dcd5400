import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { IMPORTED_DIR, readBundleFile } from '../bundle/import-bundle';
import type { JournalEvent } from '../journal/events';
import { findAcrossChunks, type IndexedSource, type SearchResult } from './call-search';
import { CHAIN_START, ChunkBuilder, type ChunkContext, DEFAULT_CHUNK_CALLS } from './chunk-builder';
import {
  type ChunkDir,
  loadChunkDir,
  removeChunkFiles,
  saveChunkDir,
  type SourceEntry,
} from './index-catalog';
import type { CallFilter } from './index-query';
import { indexJournalChunks, type JournalIndexed } from './index-journal';
import { loadSqlJs } from './sqljs';
import { anchorHolds } from './summary-checkpoint';

export interface ChunkIndexOptions {
  /** Calls per chunk (default DEFAULT_CHUNK_CALLS). */
  readonly chunkCalls?: number;
  /** Told of every chunk file loaded (tests count them). */
  readonly onChunkLoad?: (session: string, n: number) => void;
}

function freshDir(): ChunkDir {
  return { chunked: CHAIN_START, chunks: [], pending: [] };
}

/**
 * The call index of every source: each source's chunk directory (`index/chunks/<session>.json`,
 * read only when a call query needs it), the chunk builders that catch it up, and the search.
 */
export class ChunkIndex {
  private readonly dirs = new Map<string, ChunkDir>();
  private readonly changed = new Set<string>();
  private SQL: SqlJsStatic | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly opts: ChunkIndexOptions = {},
  ) {}

  private async context(): Promise<ChunkContext> {
    this.SQL ??= await loadSqlJs();
    return {
      SQL: this.SQL,
      dataDir: this.dataDir,
      chunkCalls: this.opts.chunkCalls ?? DEFAULT_CHUNK_CALLS,
      onLoad: this.opts.onChunkLoad,
    };
  }

  private journalFile(e: { session: string }): string {
    return join(this.dataDir, 'journal', `${e.session}.jsonl`);
  }

  /** A source's chunk directory, if it still belongs to the file: its position must anchor there. */
  private async dir(e: SourceEntry): Promise<ChunkDir> {
    let d = this.dirs.get(e.session);
    if (d) return d;
    d = await loadChunkDir(this.dataDir, e.session);
    const { offset, head } = d?.chunked ?? CHAIN_START;
    const holds =
      e.kind === 'journal'
        ? await anchorHolds(this.journalFile(e), { offset, seq: head.seq, hash: head.hash })
        : offset <= e.latest.offset;
    if (!d || !holds) {
      if (d) await removeChunkFiles(this.dataDir, e.session, d);
      d = freshDir();
    }
    this.dirs.set(e.session, d);
    return d;
  }

  /** Drops a source's call index (a journal replaced or gone, a bundle changed). */
  async forget(session: string): Promise<void> {
    await removeChunkFiles(this.dataDir, session, this.dirs.get(session));
    this.dirs.delete(session);
    this.changed.delete(session);
  }

  /** Indexes what was added to a source since its chunks last read it. */
  async catchUp(e: SourceEntry, bundleEvents?: readonly JournalEvent[]): Promise<JournalIndexed> {
    const ctx = await this.context();
    const d = await this.dir(e);
    const before = JSON.stringify(d.chunked);
    const r =
      e.kind === 'journal'
        ? await indexJournalChunks(ctx, e.session, d, this.journalFile(e), e.size)
        : await this.catchUpBundle(ctx, e, d, bundleEvents);
    if (r.events > 0 || JSON.stringify(d.chunked) !== before) this.changed.add(e.session);
    return r;
  }

  private async catchUpBundle(
    ctx: ChunkContext,
    e: SourceEntry,
    d: ChunkDir,
    known?: readonly JournalEvent[],
  ): Promise<JournalIndexed> {
    if (d.chunked.offset >= e.latest.offset) return { events: 0, validBytes: d.chunked.offset };
    let events = known;
    if (!events) {
      const v = await readBundleFile(join(this.dataDir, IMPORTED_DIR, e.file), true);
      if (!v.ok) return { events: 0, validBytes: d.chunked.offset };
      events = v.events ?? [];
    }
    const b = new ChunkBuilder(ctx, e.session, d);
    await b.start();
    try {
      for (let i = d.chunked.offset; i < events.length; i++) {
        const ev = events[i];
        if (ev) await b.add(ev, i, { seq: ev.seq - 1, hash: ev.prev });
      }
    } catch (err) {
      b.abandon();
      throw err;
    }
    const last = events.at(-1);
    await b.finish({
      offset: events.length,
      head: last ? { seq: last.seq, hash: last.hash } : CHAIN_START.head,
    });
    return { events: b.events, validBytes: events.length };
  }

  async findCalls(sources: readonly SourceEntry[], f: CallFilter, withStarts = false): Promise<SearchResult> {
    const ctx = await this.context();
    const indexed: IndexedSource[] = [];
    for (const e of sources) indexed.push({ session: e.session, kind: e.kind, dir: await this.dir(e) });
    const byName = new Map(sources.map((e) => [e.session, e]));
    const out = await findAcrossChunks(
      ctx,
      indexed,
      f,
      {
        journalFile: (s) => this.journalFile(s),
        rebuildBundle: async (s) => {
          const e = byName.get(s.session);
          await removeChunkFiles(this.dataDir, s.session, s.dir);
          Object.assign(s.dir, freshDir());
          if (e) await this.catchUpBundle(ctx, e, s.dir);
        },
      },
      withStarts,
    );
    for (const s of out.rebuilt) this.changed.add(s);
    return out;
  }

  /** Writes the chunk directories that changed. */
  async save(): Promise<void> {
    for (const session of [...this.changed]) {
      const d = this.dirs.get(session);
      if (d) await saveChunkDir(this.dataDir, session, d);
      this.changed.delete(session);
    }
  }
}
