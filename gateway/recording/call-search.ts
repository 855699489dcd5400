import { readFile } from 'node:fs/promises';
import { type ChunkContext, loadChunk, rebuildChunk } from './chunk-builder';
import type { ChunkDb } from './chunk-db';
import { ftsTerms, mayHoldAll } from './chunk-terms';
import { type ChunkDir, type ChunkEntry, termsFile } from './index-catalog';
import {
  type CallFilter,
  type CallRow,
  chunkMayMatch,
  compareCalls,
  findCallsIn,
  textWords,
} from './index-query';

/** A source's call index, as a search sees it. */
export interface IndexedSource {
  readonly session: string;
  readonly kind: 'journal' | 'bundle';
  readonly dir: ChunkDir;
}

export interface SearchHooks {
  readonly journalFile: (e: IndexedSource) => string;
  /** A bundle's chunks are rebuilt whole (from the verified bundle) when one is lost. */
  readonly rebuildBundle: (e: IndexedSource) => Promise<void>;
}

const cmp = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** Two lists in call order, merged; at most `limit`. */
function merge(a: readonly CallRow[], b: readonly CallRow[], limit: number | undefined): CallRow[] {
  const out: CallRow[] = [];
  const max = limit ?? Infinity;
  let i = 0;
  let j = 0;
  while (out.length < max && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && compareCalls(x, y) <= 0)) {
      if (x) out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

async function open(
  ctx: ChunkContext,
  e: IndexedSource,
  c: ChunkEntry,
  hooks: SearchHooks,
): Promise<{ db?: ChunkDb; rebuilt: boolean }> {
  const db = await loadChunk(ctx, e.session, c);
  if (db) return { db, rebuilt: false };
  if (e.kind === 'journal')
    return { db: await rebuildChunk(ctx, e.session, e.dir, c, hooks.journalFile(e)), rebuilt: true };
  await hooks.rebuildBundle(e);
  const again = e.dir.chunks.find((x) => x.n === c.n);
  return { db: again && (await loadChunk(ctx, e.session, again)), rebuilt: true };
}

/** Where a call's first event is in its journal, and the chain head just before it. */
export interface CallStart {
  readonly offset: number;
  readonly head: { readonly seq: number; readonly hash: string };
}

/** A chunk that held matches, and where each of them begins (so `show` reads only there). */
export interface ChunkHit {
  readonly session: string;
  readonly chunk: ChunkEntry;
  readonly rows: readonly CallRow[];
  readonly starts: ReadonlyMap<string, CallStart>;
}

/** Where the given calls of a chunk begin (journals; a bundle's calls have no byte offsets). */
function startsOf(db: ChunkDb, callIds: readonly string[]): Map<string, CallStart> {
  const out = new Map<string, CallStart>();
  const st = db.db.prepare('SELECT at, seq, prev FROM calls WHERE call_id = ?');
  try {
    for (const id of callIds) {
      st.bind([id]);
      if (st.step()) {
        const [at, seq, prev] = st.get();
        if (typeof at === 'number' && typeof prev === 'string')
          out.set(id, { offset: at, head: { seq: Number(seq) - 1, hash: prev } });
      }
      st.reset();
    }
  } finally {
    st.free();
  }
  return out;
}

export interface SearchResult {
  readonly rows: CallRow[];
  readonly hits: ChunkHit[];
  readonly rebuilt: string[];
}

/**
 * A query over every source's chunks: those whose facets rule the filter out are never read; the
 * rest are taken in order of their earliest call, one database at a time, and once `limit` calls
 * are found, a chunk that starts after the last of them cannot improve the answer and the search
 * stops. For text, a chunk's term filter is read first and the chunk only if every word may be
 * in it. A chunk whose file is lost or stale is rebuilt from its journal bytes on the way.
 */
export async function findAcrossChunks(
  ctx: ChunkContext,
  sources: readonly IndexedSource[],
  f: CallFilter,
  hooks: SearchHooks,
  withStarts = false,
): Promise<SearchResult> {
  const terms = f.text ? textWords(f.text).flatMap(ftsTerms) : [];
  const candidates = sources
    .flatMap((e) => e.dir.chunks.filter((c) => chunkMayMatch(c, e.session, f)).map((c) => ({ e, c })))
    .sort((a, b) => cmp(a.c.minTs ?? '', b.c.minTs ?? '') || cmp(a.e.session, b.e.session) || a.c.n - b.c.n);
  let rows: CallRow[] = [];
  const rebuilt = new Set<string>();
  const hits: ChunkHit[] = [];
  const limit = f.limit ? Math.max(1, Math.floor(f.limit)) : undefined;
  for (const { e, c } of candidates) {
    const last = limit !== undefined && rows.length >= limit ? rows[limit - 1] : undefined;
    if (last && c.minTs !== undefined && c.minTs > last.ts) break;
    if (terms.length > 0) {
      const filter = await readFile(termsFile(ctx.dataDir, e.session, c.n)).catch(() => undefined);
      if (!mayHoldAll(filter, c.id, terms)) continue;
    }
    const opened = await open(ctx, e, c, hooks);
    if (opened.rebuilt) rebuilt.add(e.session);
    const db = opened.db;
    if (!db) continue;
    try {
      const found = findCallsIn(db.db, { ...f, limit });
      if (found.length > 0)
        hits.push({
          session: e.session,
          chunk: c,
          rows: found,
          starts: withStarts
            ? startsOf(
                db,
                found.map((r) => r.callId),
              )
            : new Map(),
        });
      rows = merge(rows, found, limit);
    } finally {
      db.close();
    }
  }
  return { rows, hits, rebuilt: [...rebuilt] };
}
