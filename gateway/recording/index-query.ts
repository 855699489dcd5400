import type { Database, SqlValue } from 'sql.js';
import type { ChunkFacets } from './index-catalog';
import type { SessionFacts } from './summary-fold';
import type { CallColumns } from './call-columns';

export interface SessionSummary {
  readonly session: string;
  readonly taskId: string;
  readonly name?: string;
  readonly startedBy?: string;
  readonly agent?: string;
  readonly workspace?: string;
  readonly startedAt?: string;
  readonly expiresAt?: string;
  readonly endedAt?: string;
  readonly endReason?: string;
  readonly imported: boolean;
  readonly signer?: string;
  readonly events: number;
  readonly calls: number;
  readonly allowed: number;
  readonly denied: number;
  readonly errors: number;
  readonly approvals: number;
  readonly masked: number;
  readonly firstEventAt?: string;
  readonly lastEventAt?: string;
  /** The journal failed verification here; only the verified prefix is indexed. */
  readonly fault?: string;
}

export interface CallFilter {
  readonly session?: string;
  /** Service model id (`secretsmanager`) or IAM prefix (`cognito-idp`). */
  readonly service?: string;
  /** IAM action, `*` wildcards allowed (`iam:Create*`); case-insensitive. */
  readonly action?: string;
  readonly decision?: 'allow' | 'deny';
  /** `200`, `4xx`, or `error` (an error code or a status of 400 and up). */
  readonly status?: string;
  readonly identity?: string;
  /** ISO times, inclusive. */
  readonly since?: string;
  readonly until?: string;
  /** Words to find in the call's operation, target, masked params, reason and masked response. */
  readonly text?: string;
  readonly limit?: number;
}

export interface CallRow extends CallColumns {
  readonly session: string;
  readonly masked: boolean;
}

type Row = Record<string, SqlValue>;

function rows(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: Row[] = [];
    while (st.step()) out.push(st.getAsObject());
    return out;
  } finally {
    st.free();
  }
}

const str = (v: SqlValue | undefined): string | undefined =>
  v === null || v === undefined ? undefined : String(v);
const num = (v: SqlValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

/** A session's line in `airlock sessions`, from its summary. */
export function sessionSummary(
  session: string,
  facts: SessionFacts,
  extra: { imported?: { signer: string; endedAt?: string }; fault?: string },
): SessionSummary {
  return {
    session,
    taskId: facts.task ?? session,
    name: facts.name,
    startedBy: facts.startedBy,
    agent: facts.agent,
    workspace: facts.workspace,
    startedAt: facts.startedAt,
    expiresAt: facts.expiresAt,
    endedAt: facts.endedAt ?? extra.imported?.endedAt,
    endReason: facts.endReason,
    imported: extra.imported !== undefined,
    signer: extra.imported?.signer,
    events: facts.events,
    calls: facts.calls,
    allowed: facts.allowed,
    denied: facts.denied,
    errors: facts.errors,
    approvals: facts.approvals,
    masked: facts.masked,
    firstEventAt: facts.firstTs,
    lastEventAt: facts.lastTs,
    fault: extra.fault,
  };
}

/** Newest first (by start, else first event), as the listing always was. */
export function compareSessions(a: SessionSummary, b: SessionSummary): number {
  const ka = a.startedAt ?? a.firstEventAt ?? '';
  const kb = b.startedAt ?? b.firstEventAt ?? '';
  return ka < kb ? 1 : ka > kb ? -1 : a.session < b.session ? -1 : a.session > b.session ? 1 : 0;
}

/** Calls order: by time, then session, then sequence (the order `calls` prints). */
export function compareCalls(a: CallRow, b: CallRow): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.session !== b.session) return a.session < b.session ? -1 : 1;
  return a.seq - b.seq;
}

function likePattern(glob: string): string {
  return glob.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/** The words of a text filter, as `calls --text` reads them. */
export function textWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}_:./-]+/gu) ?? []).map((w) => w.replace(/"/g, '')).filter(Boolean);
}

/** FTS4 query from free words: each word must appear (as a phrase), quotes dropped. */
function ftsQuery(text: string): string | undefined {
  const terms = textWords(text).map((w) => `"${w}"`);
  return terms.length > 0 ? terms.join(' ') : undefined;
}

/** Calls of one chunk matching every given filter, oldest first. */
export function findCallsIn(db: Database, f: CallFilter): CallRow[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.session) {
    where.push('c.session = ?');
    params.push(f.session);
  }
  if (f.service) {
    // Both sides by index (service; action prefix, NOCASE like LIKE): a rare service is found
    // without reading the chunk's other calls.
    where.push(
      `(c.service = ? OR c.id IN (SELECT a.call FROM call_actions a WHERE a.action LIKE ? ESCAPE '\\'))`,
    );
    params.push(f.service, `${likePattern(f.service)}:%`);
  }
  if (f.action) {
    where.push(`c.id IN (SELECT a.call FROM call_actions a WHERE a.action LIKE ? ESCAPE '\\')`);
    params.push(likePattern(f.action));
  }
  if (f.decision) {
    where.push('c.decision = ?');
    params.push(f.decision);
  }
  const status = statusFilter(f.status);
  if (status?.kind === 'error') where.push('(c.error_code IS NOT NULL OR c.status >= 400)');
  else if (status) {
    where.push('c.status BETWEEN ? AND ?');
    params.push(status.min, status.max);
  }
  if (f.identity) {
    where.push('c.identity = ?');
    params.push(f.identity);
  }
  if (f.since) {
    where.push('c.ts >= ?');
    params.push(f.since);
  }
  if (f.until) {
    where.push('c.ts <= ?');
    params.push(f.until);
  }
  if (f.text) {
    const q = ftsQuery(f.text);
    if (q) {
      where.push('c.id IN (SELECT docid FROM call_text WHERE call_text MATCH ?)');
      params.push(q);
    }
  }
  const sql =
    `SELECT c.* FROM calls c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.ts, c.session, c.seq` +
    (f.limit ? ` LIMIT ${Math.max(1, Math.floor(f.limit))}` : '');
  return rows(db, sql, params).map((r) => ({
    session: String(r.session),
    callId: String(r.call_id),
    seq: Number(r.seq),
    ts: String(r.ts),
    identity: str(r.identity),
    service: str(r.service),
    region: str(r.region),
    operation: str(r.operation),
    method: str(r.method),
    actions: (str(r.actions) ?? '').split(' ').filter(Boolean),
    resources: (str(r.resources) ?? '').split(' ').filter(Boolean),
    decision: str(r.decision),
    reason: str(r.reason),
    rule: str(r.rule),
    status: num(r.status),
    errorCode: str(r.error_code),
    awsRequestId: str(r.aws_request_id),
    upstreamMs: num(r.upstream_ms),
    gatewayMs: num(r.gateway_ms),
    masked: Number(r.masked) > 0,
  }));
}

type StatusFilter = { kind: 'error' } | { kind: 'range'; min: number; max: number };

/** `200`, `4xx` or `error`, as findCallsIn reads it. */
function statusFilter(status: string | undefined): StatusFilter | undefined {
  if (!status) return undefined;
  const s = status.toLowerCase();
  if (s === 'error') return { kind: 'error' };
  if (/^[1-5]xx$/.test(s)) return { kind: 'range', min: Number(s[0]) * 100, max: Number(s[0]) * 100 + 99 };
  return { kind: 'range', min: Number(s), max: Number(s) };
}

/** SQL LIKE (case-insensitive for ASCII, `*` as any run) as a test on a lower-cased string. */
function globTest(glob: string): (s: string) => boolean {
  const re = new RegExp(
    `^${glob
      .toLowerCase()
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return (s) => re.test(s);
}

/**
 * Whether a chunk can hold a call matching the filter, from its facets alone (false: skip it
 * unloaded). Never false for a chunk that holds one: every test is a superset of the SQL above.
 */
export function chunkMayMatch(c: ChunkFacets, session: string, f: CallFilter): boolean {
  if (c.calls === 0 || c.minTs === undefined || c.maxTs === undefined) return false;
  if (f.session && f.session !== session) return false;
  if (f.since && c.maxTs < f.since) return false;
  if (f.until && c.minTs > f.until) return false;
  if (f.decision && !c.decisions.includes(f.decision)) return false;
  if (f.identity && !c.identities.includes(f.identity)) return false;
  if (f.service) {
    const prefix = globTest(f.service);
    if (!c.services.includes(f.service) && !c.services.some(prefix)) return false;
  }
  if (f.action && !c.actions.some(globTest(f.action))) return false;
  const status = statusFilter(f.status);
  if (status?.kind === 'error' && !c.errors) return false;
  if (status?.kind === 'range' && !c.statuses.some((s) => s >= status.min && s <= status.max)) return false;
  return true;
}
