import type { Database, SqlValue } from 'sql.js';
import type { ChunkFacets } from './index-catalog';

/** What a chunk's database holds, read back for its catalog entry and its term filter. */

/** Calls without an answer yet: a later chunk's events may still name them. */
export function openCallIds(db: Database): string[] {
  const res = db.exec('SELECT call_id FROM calls WHERE status IS NULL AND error_code IS NULL');
  return (res[0]?.values ?? []).map((r) => String(r[0]));
}

export function chunkFacets(db: Database): ChunkFacets {
  const col = (sql: string): SqlValue[] => (db.exec(sql)[0]?.values ?? []).map((r) => r[0] ?? null);
  const strings = (sql: string): string[] => col(sql).filter((v): v is string => typeof v === 'string');
  const actions = strings('SELECT DISTINCT lower(action) FROM call_actions');
  const range = db.exec('SELECT count(*), min(ts), max(ts) FROM calls')[0]?.values[0] ?? [];
  return {
    calls: Number(range[0] ?? 0),
    minTs: typeof range[1] === 'string' ? range[1] : undefined,
    maxTs: typeof range[2] === 'string' ? range[2] : undefined,
    services: [
      ...new Set([
        ...strings('SELECT DISTINCT service FROM calls'),
        ...actions.map((a) => a.slice(0, Math.max(0, a.indexOf(':')))).filter(Boolean),
      ]),
    ],
    actions,
    decisions: strings('SELECT DISTINCT decision FROM calls'),
    statuses: col('SELECT DISTINCT status FROM calls').filter((v): v is number => typeof v === 'number'),
    errors:
      Number(col('SELECT EXISTS (SELECT 1 FROM calls WHERE error_code IS NOT NULL OR status >= 400)')[0]) ===
      1,
    identities: strings('SELECT DISTINCT identity FROM calls'),
  };
}

/** Every term of the free-text index (FTS4's own tokens), for the chunk's term filter. */
export function chunkTerms(db: Database): string[] {
  const res = db.exec("SELECT term FROM call_terms WHERE col = '*'");
  return (res[0]?.values ?? []).map((r) => String(r[0]));
}
