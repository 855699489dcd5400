import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { JournalEvent } from '../journal/events';
import { applyChange, changeOf, type Draft, draftOf } from './call-draft';
import { CHUNK_SCHEMA, CHUNK_SCHEMA_VERSION } from './index-schema';

/** Free-text per call is capped: enough to find a call, never a second copy of the recording. */
const TEXT_CAP = 4096;

function clip(s: string): string {
  return s.length > TEXT_CAP ? s.slice(0, TEXT_CAP) : s;
}

export interface ChunkMeta {
  readonly session: string;
  readonly n: number;
  readonly id: string;
}

const nil = (v: string | number | undefined): SqlValue => (v === undefined ? null : v);

/**
 * One chunk's sql.js database and how calls (drafted from their events, call-draft.ts) become its
 * rows. A call is held as a draft until its response (or error) arrives and then written in one
 * insert, so most calls cost one row, one action row each and one free-text insert; calls still
 * open when the chunk is saved are written as they stand and updated in place later.
 */
export class ChunkDb {
  private readonly drafts = new Map<string, Draft>();
  private readonly st: Record<
    'insert' | 'action' | 'text' | 'appendText' | 'find' | 'lastId' | 'update',
    Statement
  >;

  private constructor(
    readonly db: Database,
    private readonly session: string,
  ) {
    // One transaction from open to export, no rollback journal: sql.js keeps its files in
    // memory, and a journal per statement (autocommit) cost ten times the inserts themselves.
    db.run('PRAGMA journal_mode = OFF');
    db.run('PRAGMA synchronous = OFF');
    db.run('BEGIN');
    const p = (sql: string): Statement => db.prepare(sql);
    this.st = {
      insert: p(
        `INSERT OR IGNORE INTO calls (session, call_id, seq, ts, at, prev, identity, service, region, operation, method, actions,
         resources, decision, reason, rule, status, error_code, aws_request_id, upstream_ms, gateway_ms, masked)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      action: p('INSERT INTO call_actions (call, action) VALUES (?, ?)'),
      text: p('INSERT INTO call_text (docid, body) VALUES (?, ?)'),
      appendText: p("UPDATE call_text SET body = body || ' ' || ? WHERE docid = ?"),
      find: p('SELECT id FROM calls WHERE session = ? AND call_id = ?'),
      lastId: p('SELECT last_insert_rowid()'),
      update: p(
        `UPDATE calls SET decision = COALESCE(?, decision), reason = COALESCE(?, reason), rule = COALESCE(?, rule),
         status = COALESCE(?, status), error_code = COALESCE(?, error_code), aws_request_id = COALESCE(?, aws_request_id),
         upstream_ms = COALESCE(?, upstream_ms), gateway_ms = COALESCE(?, gateway_ms), masked = masked + ? WHERE id = ?`,
      ),
    };
  }

  static create(SQL: SqlJsStatic, meta: ChunkMeta): ChunkDb {
    const db = new SQL.Database();
    db.run(CHUNK_SCHEMA);
    const c = new ChunkDb(db, meta.session);
    c.setMeta(meta);
    return c;
  }

  /** A chunk file, if it is the chunk the catalog names (same session, number and build id). */
  static load(SQL: SqlJsStatic, bytes: Uint8Array, meta: ChunkMeta): ChunkDb | undefined {
    let db: Database | undefined;
    try {
      db = new SQL.Database(bytes);
      const got = Object.fromEntries(
        (db.exec('SELECT key, value FROM meta')[0]?.values ?? []).map(([k, v]) => [String(k), String(v)]),
      );
      if (
        got.schema === String(CHUNK_SCHEMA_VERSION) &&
        got.session === meta.session &&
        got.n === String(meta.n) &&
        got.id === meta.id
      )
        return new ChunkDb(db, meta.session);
    } catch {
      // Not a database, or not ours: rebuilt by the caller.
    }
    db?.close();
    return undefined;
  }

  setMeta(meta: ChunkMeta): void {
    for (const [k, v] of [
      ['schema', String(CHUNK_SCHEMA_VERSION)] as const,
      ['session', meta.session],
      ['n', String(meta.n)],
      ['id', meta.id],
    ])
      this.db.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [k, v]);
  }

  /** Calls begun here whose answer has not come yet. */
  get drafting(): number {
    return this.drafts.size;
  }

  /** Whether this chunk holds the call (drafted or written). */
  has(callId: string): boolean {
    return this.drafts.has(callId) || this.rowId(callId) !== undefined;
  }

  private rowId(callId: string): number | undefined {
    const st = this.st.find;
    st.bind([this.session, callId]);
    const id = st.step() ? (st.get()[0] as number) : undefined;
    st.reset();
    return id;
  }

  /** A call's first event (its request, or the error that refused it): a new call of this chunk. */
  begin(session: string, e: JournalEvent, at?: number): void {
    const draft = draftOf(e, at);
    if (!draft) return;
    this.drafts.set(draft.callId, draft);
    // Its error is its outcome: there is no answer to wait for.
    if (e.type === 'call.error') this.write(session, draft.callId);
  }

  /** A later event of a call this chunk holds (decision, response, error). */
  update(session: string, e: JournalEvent, callId: string): void {
    const u = changeOf(e);
    if (!u) return;
    const draft = this.drafts.get(callId);
    if (draft) {
      applyChange(draft, u);
      if (e.type !== 'call.decision') this.write(session, callId);
      return;
    }
    const id = this.rowId(callId);
    if (id === undefined) return;
    this.st.update.run([
      nil(u.decision),
      nil(u.reason),
      nil(u.rule),
      nil(u.status),
      nil(u.errorCode),
      nil(u.awsRequestId),
      nil(u.upstreamMs),
      nil(u.gatewayMs),
      u.masked ?? 0,
      id,
    ]);
    if (u.text) this.st.appendText.run([clip(u.text), id]);
  }

  private write(session: string, callId: string): void {
    const d = this.drafts.get(callId);
    if (!d) return;
    this.drafts.delete(callId);
    this.st.insert.run([
      session,
      d.callId,
      d.seq,
      d.ts,
      nil(d.at),
      d.prev,
      nil(d.identity),
      nil(d.service),
      nil(d.region),
      nil(d.operation),
      nil(d.method),
      d.actions.join(' '),
      d.resources.join(' '),
      nil(d.decision),
      nil(d.reason),
      nil(d.rule),
      nil(d.status),
      nil(d.errorCode),
      nil(d.awsRequestId),
      nil(d.upstreamMs),
      nil(d.gatewayMs),
      d.masked,
    ]);
    if (this.db.getRowsModified() === 0) return;
    const last = this.st.lastId;
    const id = last.step() ? Number(last.get()[0]) : undefined;
    last.reset();
    if (id === undefined) return;
    for (const a of new Set(d.actions)) this.st.action.run([id, a]);
    this.st.text.run([id, clip(d.text.join(' '))]);
  }

  /** Writes every drafted call as it stands (before the chunk is saved). */
  writeDrafts(session: string): void {
    for (const callId of [...this.drafts.keys()]) this.write(session, callId);
  }

  export(): Uint8Array {
    this.db.run('COMMIT');
    const bytes = this.db.export();
    this.db.run('BEGIN');
    return bytes;
  }

  close(): void {
    for (const s of Object.values(this.st)) s.free();
    this.db.close();
  }
}
