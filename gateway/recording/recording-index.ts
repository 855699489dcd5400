import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { IMPORTED_DIR, importedSessionId, readBundleFile } from '../bundle/import-bundle';
import { GENESIS_HASH } from '../journal/events';
import { writeFileDurable } from '../storage/durable-file';
import { readJournalFile } from '../journal/read-journal';
import { checkEnd, describeEndFault, type EndFault } from '../journal/recorded-head';
import { DataDirFileError } from '../storage/data-dir-error';
import { readRecordedHeads, type RecordedHeads } from '../tasks/journal-heads';
import { INDEX_SCHEMA, INDEX_SCHEMA_VERSION } from './index-schema';
import { IndexWriter } from './index-writer';
import { loadSqlJs } from './sqljs';

/** The derived index, snapshotted next to the journals (never the source of truth). */
export const INDEX_FILE = 'index.sqlite';

interface SourceRow {
  readonly session: string;
  readonly kind: 'journal' | 'bundle';
  readonly file: string;
  readonly indexedBytes: number;
  readonly headSeq: number;
  readonly headHash: string;
  readonly mtimeMs: number;
  readonly fault: string | undefined;
}

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

/**
 * The query engine over recordings: sql.js tables derived from the journal files (and imported
 * bundles), caught up by reading only what was appended since the last sync (each source keeps
 * its byte offset and verified chain head). A source that shrank or no longer links is reindexed
 * from scratch; one that disappeared (retention) loses its rows. Durability never depends on the
 * index: losing `index.sqlite` costs one full rebuild.
 */
export class RecordingIndex {
  private dirty = false;
  /** What the last sync found (the CLI warns about missing journals and unchecked ends). */
  lastSync: SyncReport | undefined;

  private constructor(
    readonly db: Database,
    private readonly dataDir: string,
  ) {}

  static async open(dataDir: string): Promise<RecordingIndex> {
    const SQL = await loadSqlJs();
    let db: Database | undefined;
    const snapshot = await readFile(join(dataDir, INDEX_FILE)).catch(() => undefined);
    if (snapshot) {
      try {
        db = new SQL.Database(snapshot);
        const v = db.exec("SELECT value FROM meta WHERE key = 'schema'")[0]?.values[0]?.[0];
        if (v !== String(INDEX_SCHEMA_VERSION)) {
          db.close();
          db = undefined;
        }
      } catch {
        db = undefined;
      }
    }
    const fresh = !db;
    db ??= new SQL.Database();
    db.run(INDEX_SCHEMA);
    db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", [String(INDEX_SCHEMA_VERSION)]);
    const index = new RecordingIndex(db, dataDir);
    index.dirty = fresh;
    return index;
  }

  private sources(): Map<string, SourceRow> {
    const out = new Map<string, SourceRow>();
    const res = this.db.exec(
      'SELECT session, kind, file, indexed_bytes, head_seq, head_hash, mtime_ms, fault FROM sources',
    );
    for (const row of res[0]?.values ?? []) {
      const [session, kind, file, indexedBytes, headSeq, headHash, mtimeMs, fault] = row;
      out.set(String(session), {
        session: String(session),
        kind: kind === 'bundle' ? 'bundle' : 'journal',
        file: String(file),
        indexedBytes: Number(indexedBytes),
        headSeq: Number(headSeq),
        headHash: String(headHash),
        mtimeMs: Number(mtimeMs),
        fault: fault === null || fault === undefined ? undefined : String(fault),
      });
    }
    return out;
  }

  private drop(session: string): void {
    this.db.run('DELETE FROM call_text WHERE docid IN (SELECT id FROM calls WHERE session = ?)', [session]);
    this.db.run('DELETE FROM call_actions WHERE call IN (SELECT id FROM calls WHERE session = ?)', [session]);
    this.db.run('DELETE FROM calls WHERE session = ?', [session]);
    this.db.run('DELETE FROM sessions WHERE session = ?', [session]);
    this.db.run('DELETE FROM sources WHERE session = ?', [session]);
    this.dirty = true;
  }

  /** Where each journal ends according to the gateway; read before the journals (it lags them). */
  private async heads(): Promise<{ heads?: RecordedHeads; problem?: string }> {
    try {
      return { heads: await readRecordedHeads(this.dataDir) };
    } catch (e) {
      if (e instanceof DataDirFileError) return { problem: e.message };
      throw e;
    }
  }

  /** Catches the index up with the files on disk. */
  async sync(): Promise<SyncReport> {
    const { heads, problem } = await this.heads();
    const known = this.sources();
    const seen = new Set<string>();
    const rebuilt: string[] = [];
    const faults: { session: string; fault: string }[] = [];
    const endFaults = new Map<string, EndFault | undefined>();
    let indexedEvents = 0;
    const writer = new IndexWriter(this.db);
    this.db.run('BEGIN');
    try {
      const journalDir = join(this.dataDir, 'journal');
      for (const name of await listFiles(journalDir, '.jsonl')) {
        const session = name.slice(0, -'.jsonl'.length);
        seen.add(session);
        const file = join(journalDir, name);
        const st = await stat(file).catch(() => undefined);
        if (!st) continue;
        let src = known.get(session);
        if (src && (src.kind !== 'journal' || st.size < src.indexedBytes)) {
          this.drop(session);
          rebuilt.push(session);
          src = undefined;
        }
        const recorded = heads?.get(session);
        // Unchanged since indexed: its end is checked against the head recorded now (the seq
        // always; the hash when the recorded head is the indexed head itself).
        const unchanged = (s: SourceRow): void =>
          void endFaults.set(session, checkEnd({ seq: s.headSeq, hash: s.headHash }, recorded, undefined));
        if (src && st.size === src.indexedBytes) {
          unchanged(src);
          continue;
        }
        // A journal that failed verification stays as indexed until the file changes.
        if (src?.fault && st.mtimeMs === src.mtimeMs) {
          faults.push({ session, fault: src.fault });
          unchanged(src);
          continue;
        }
        const from = src
          ? { offset: src.indexedBytes, head: { seq: src.headSeq, hash: src.headHash } }
          : { offset: 0, head: { seq: 0, hash: GENESIS_HASH } };
        let c = await readJournalFile(file, { from, recorded });
        if (c.fault && src) {
          // What we indexed no longer leads here (the file was replaced): start over.
          this.drop(session);
          rebuilt.push(session);
          src = undefined;
          c = await readJournalFile(file, { recorded });
        }
        endFaults.set(session, c.endFault);
        const faultText = c.fault ? `${c.fault.kind} at line ${c.fault.line}` : null;
        if (faultText) faults.push({ session, fault: faultText });
        writer.apply(session, c.events);
        indexedEvents += c.events.length;
        const head = c.head ?? from.head;
        this.db.run(
          `INSERT OR REPLACE INTO sources (session, kind, file, indexed_bytes, head_seq, head_hash, mtime_ms, fault)
           VALUES (?, 'journal', ?, ?, ?, ?, ?, ?)`,
          [session, file, c.validBytes, head.seq, head.hash, st.mtimeMs, faultText],
        );
        this.dirty = true;
      }
      for (const [session, f] of endFaults) {
        const text = f ? describeEndFault(session, f) : null;
        if (text) faults.push({ session, fault: text });
        const before = this.db.exec('SELECT end_fault FROM sources WHERE session = ?', [session])[0]
          ?.values[0]?.[0];
        if ((before ?? null) === text) continue;
        this.db.run('UPDATE sources SET end_fault = ? WHERE session = ?', [text, session]);
        this.dirty = true;
      }
      const missing = (heads?.streams() ?? [])
        .filter((s) => !seen.has(s) && !heads?.pruned(s) && (heads?.get(s)?.seq ?? 0) > 0)
        .map((session) => ({
          session,
          message: `journal of task ${session} is missing but the gateway recorded seq ${heads?.get(session)?.seq}: events were removed`,
        }));
      const headsUnchecked =
        problem ??
        (heads?.missing && seen.size > 0
          ? `${heads.file} is missing, so the ends of journals cannot be checked for removed events`
          : undefined);
      const importedDir = join(this.dataDir, IMPORTED_DIR);
      for (const name of await listFiles(importedDir, '.airlock')) {
        const file = join(importedDir, name);
        const st = await stat(file).catch(() => undefined);
        if (!st) continue;
        const sessionGuess = name.slice(0, -'.airlock'.length);
        const src = known.get(sessionGuess);
        if (src && src.mtimeMs === st.mtimeMs && src.indexedBytes === st.size) {
          seen.add(sessionGuess);
          continue;
        }
        const v = await readBundleFile(file, true);
        if (!v.ok) {
          faults.push({ session: sessionGuess, fault: v.fault.message });
          continue;
        }
        const session = importedSessionId(v.header.task.taskId, v.fingerprint);
        seen.add(session);
        if (known.has(session)) this.drop(session);
        writer.apply(session, v.events ?? []);
        indexedEvents += v.count;
        this.db.run(
          'UPDATE sessions SET imported = 1, signer = ?, ended_at = COALESCE(ended_at, ?) WHERE session = ?',
          [v.fingerprint, v.header.task.endedAt ?? null, session],
        );
        this.db.run(
          `INSERT OR REPLACE INTO sources (session, kind, file, indexed_bytes, head_seq, head_hash, mtime_ms, fault, end_fault)
           VALUES (?, 'bundle', ?, ?, ?, ?, ?, NULL, ?)`,
          [
            session,
            file,
            st.size,
            v.header.events.head.seq,
            v.header.events.head.hash,
            st.mtimeMs,
            v.incomplete ?? null,
          ],
        );
        this.dirty = true;
      }
      const removed = [...known.keys()].filter((s) => !seen.has(s));
      for (const s of removed) this.drop(s);
      this.db.run('COMMIT');
      this.lastSync = { indexedEvents, rebuilt, removed, faults, missing, headsUnchecked };
      return this.lastSync;
    } catch (e) {
      this.db.run('ROLLBACK');
      throw e;
    } finally {
      writer.free();
    }
  }

  /** Writes the snapshot (atomically) when anything changed; a lost snapshot only costs a rebuild. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const file = join(this.dataDir, INDEX_FILE);
    await writeFileDurable(file, this.db.export());
    this.dirty = false;
  }

  close(): void {
    this.db.close();
  }
}

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(suffix)).sort();
}
