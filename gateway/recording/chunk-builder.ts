import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import type { ChainHead } from '../journal/chain';
import { EMPTY_HEAD } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import { eventOf, streamJournal } from '../journal/stream-journal';
import { ChunkDb } from './chunk-db';
import { chunkFacets, chunkTerms, openCallIds } from './chunk-facets';
import { buildTermFilter } from './chunk-terms';
import { atomicWrite, type ChunkDir, type ChunkEntry, chunkFile, termsFile } from './index-catalog';

/** Calls per chunk: one chunk is what a query holds in memory at a time. */
export const DEFAULT_CHUNK_CALLS = 10_000;
/** Calls of sealed chunks that never got an answer (a crash) are followed up to this many. */
const MAX_PENDING = 10_000;

export interface ChunkContext {
  readonly SQL: SqlJsStatic;
  readonly dataDir: string;
  readonly chunkCalls: number;
  /** Told of every chunk file read (tests count them). */
  readonly onLoad?: (session: string, n: number) => void;
}

function isStart(e: JournalEvent, known: (callId: string) => boolean): boolean {
  if (e.type === 'call.request') return true;
  return e.type === 'call.error' && !(e.data.callId !== undefined && known(e.data.callId));
}

function callIdOf(e: JournalEvent): string | undefined {
  switch (e.type) {
    case 'call.decision':
    case 'call.response':
      return e.data.callId;
    case 'call.error':
      return e.data.callId;
    default:
      return undefined;
  }
}

/** Reads a chunk file if it is the one the catalog names; undefined when lost or stale. */
export async function loadChunk(
  ctx: ChunkContext,
  session: string,
  c: ChunkEntry,
): Promise<ChunkDb | undefined> {
  const bytes = await readFile(chunkFile(ctx.dataDir, session, c.n)).catch(() => undefined);
  if (!bytes) return undefined;
  ctx.onLoad?.(session, c.n);
  return ChunkDb.load(ctx.SQL, bytes, { session, n: c.n, id: c.id });
}

/** Writes a chunk (and its term filter) under a fresh build id; returns its catalog entry. */
async function saveChunk(
  ctx: ChunkContext,
  session: string,
  db: ChunkDb,
  place: { n: number; from: number; fromHead: ChainHead; to?: number },
): Promise<ChunkEntry> {
  const id = randomBytes(8).toString('hex');
  db.writeDrafts(session);
  db.setMeta({ session, n: place.n, id });
  const file = chunkFile(ctx.dataDir, session, place.n);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await atomicWrite(file, db.export());
  await atomicWrite(termsFile(ctx.dataDir, session, place.n), buildTermFilter(chunkTerms(db.db), id));
  return { ...place, id, ...chunkFacets(db.db) };
}

interface Open {
  db: ChunkDb;
  changed: boolean;
  n: number;
  from: number;
  fromHead: ChainHead;
  calls: number;
}

/**
 * Adds a source's new events to its chunks: new calls go to the open (last) chunk, which is
 * sealed at `chunkCalls` calls and a new one begun; later events of a call go to the chunk that
 * holds it (the open one, or a sealed one through `pending`). One chunk's database is in memory
 * at a time, plus a sealed one while a late answer is written into it.
 */
export class ChunkBuilder {
  private open: Open | undefined;
  private readonly pending: Map<string, number>;
  private sealed: { n: number; db: ChunkDb } | undefined;
  events = 0;

  constructor(
    private readonly ctx: ChunkContext,
    private readonly session: string,
    private readonly dir: ChunkDir,
  ) {
    this.pending = new Map(dir.pending);
  }

  /** Resumes the open chunk, or drops it (and reads its bytes again) when its file is lost or stale. */
  async start(): Promise<void> {
    const last = this.dir.chunks.at(-1);
    if (!last || last.to !== undefined) return;
    const db = await loadChunk(this.ctx, this.session, last);
    if (db) {
      this.open = {
        db,
        changed: false,
        n: last.n,
        from: last.from,
        fromHead: last.fromHead,
        calls: last.calls,
      };
      return;
    }
    this.dir.chunks.pop();
    this.dir.chunked = { offset: last.from, head: last.fromHead };
    for (const [k, n] of this.pending) if (n >= last.n) this.pending.delete(k);
  }

  /** One verified event at `offset` (bytes in a journal, position in a bundle), `before`: the head before it. */
  async add(e: JournalEvent, offset: number, before: ChainHead): Promise<void> {
    this.events++;
    const session = this.session;
    if (isStart(e, (id) => this.knows(id))) {
      if (!this.open || this.open.calls >= this.ctx.chunkCalls) await this.begin(offset, before);
      const o = this.open;
      if (!o) return;
      o.db.begin(session, e, offset);
      o.calls++;
      o.changed = true;
      return;
    }
    const callId = callIdOf(e);
    if (callId === undefined) return;
    if (this.open?.db.has(callId)) {
      this.open.db.update(session, e, callId);
      this.open.changed = true;
      return;
    }
    const n = this.pending.get(callId);
    if (n === undefined) return;
    const db = await this.sealedDb(n);
    db?.update(session, e, callId);
    if (e.type !== 'call.decision') this.pending.delete(callId);
  }

  private knows(callId: string): boolean {
    return this.pending.has(callId) || this.open?.db.has(callId) === true;
  }

  private async begin(offset: number, before: ChainHead): Promise<void> {
    if (this.open) await this.seal(offset);
    const n = (this.dir.chunks.at(-1)?.n ?? -1) + 1;
    this.open = {
      db: ChunkDb.create(this.ctx.SQL, { session: this.session, n, id: '' }),
      changed: true,
      n,
      from: offset,
      fromHead: before,
      calls: 0,
    };
    this.dir.chunks.push({ n, id: '', from: offset, fromHead: before, ...emptyFacets() });
  }

  private async seal(to: number): Promise<void> {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    const entry = await saveChunk(this.ctx, this.session, o.db, {
      n: o.n,
      from: o.from,
      fromHead: o.fromHead,
      to,
    });
    for (const callId of openCallIds(o.db.db)) this.pending.set(callId, o.n);
    while (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
    o.db.close();
    this.replace(entry);
  }

  private replace(c: ChunkEntry): void {
    const i = this.dir.chunks.findIndex((x) => x.n === c.n);
    if (i >= 0) this.dir.chunks[i] = c;
  }

  private async sealedDb(n: number): Promise<ChunkDb | undefined> {
    if (this.sealed?.n === n) return this.sealed.db;
    await this.flushSealed();
    const c = this.dir.chunks.find((x) => x.n === n);
    const db = c && (await loadChunk(this.ctx, this.session, c));
    // A lost sealed chunk is rebuilt from the journal when a query needs it, answers included.
    if (!db) return undefined;
    this.sealed = { n, db };
    return db;
  }

  private async flushSealed(): Promise<void> {
    const s = this.sealed;
    if (!s) return;
    this.sealed = undefined;
    const c = this.dir.chunks.find((x) => x.n === s.n);
    if (c) this.replace(await saveChunk(this.ctx, this.session, s.db, c));
    s.db.close();
  }

  /** Saves what changed; the source's entry then names every chunk as written. */
  async finish(position: { offset: number; head: ChainHead }): Promise<void> {
    await this.flushSealed();
    const o = this.open;
    if (o) {
      this.open = undefined;
      if (o.changed)
        this.replace(
          await saveChunk(this.ctx, this.session, o.db, { n: o.n, from: o.from, fromHead: o.fromHead }),
        );
      o.db.close();
    }
    this.dir.pending = [...this.pending];
    this.dir.chunked = position;
  }

  /** Drops databases without saving (a failed build). */
  abandon(): void {
    this.open?.db.close();
    this.sealed?.db.close();
    this.open = undefined;
    this.sealed = undefined;
  }
}

/**
 * Builds one sealed chunk again from the journal (its file was lost or is stale): the calls that
 * begin in its byte range, and their later events, read on past the range until every one of
 * them has its answer (or the indexed end is reached).
 */
export async function rebuildChunk(
  ctx: ChunkContext,
  session: string,
  dir: ChunkDir,
  c: ChunkEntry,
  journalFile: string,
): Promise<ChunkDb | undefined> {
  const db = ChunkDb.create(ctx.SQL, { session: session, n: c.n, id: '' });
  const to = c.to ?? dir.chunked.offset;
  let past = false;
  const r = await streamJournal(
    journalFile,
    (line, buf, base) => {
      const at = base + line.start;
      past = at >= to;
      const e = eventOf(line, buf);
      if (!past && isStart(e, (id) => db.has(id))) db.begin(session, e, at);
      else {
        const callId = callIdOf(e);
        if (callId !== undefined && db.has(callId)) db.update(session, e, callId);
      }
    },
    {
      from: { offset: c.from, head: c.fromHead },
      until: dir.chunked.offset,
      stop: () => past && db.drafting === 0,
    },
  );
  if (r.fault || r.shrunk || r.missing) {
    db.close();
    return undefined;
  }
  const saved = await saveChunk(ctx, session, db, {
    n: c.n,
    from: c.from,
    fromHead: c.fromHead,
    to: c.to,
  });
  const i = dir.chunks.findIndex((x) => x.n === c.n);
  if (i >= 0) dir.chunks[i] = saved;
  return db;
}

export function emptyFacets(): Omit<ChunkEntry, 'n' | 'id' | 'from' | 'fromHead'> {
  return { calls: 0, services: [], actions: [], decisions: [], statuses: [], errors: false, identities: [] };
}

export const CHAIN_START = { offset: 0, head: EMPTY_HEAD };
