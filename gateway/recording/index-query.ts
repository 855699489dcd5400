import type { Database, SqlValue } from 'sql.js';

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
  /**
   * The journal failed verification here (only the verified prefix is indexed), or ends before
   * the head the gateway recorded for it (events were removed), or the imported bundle says so.
   */
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

export interface CallRow {
  readonly session: string;
  readonly callId: string;
  readonly seq: number;
  readonly ts: string;
  readonly identity?: string;
  readonly service?: string;
  readonly region?: string;
  readonly operation?: string;
  readonly method?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly decision?: string;
  readonly reason?: string;
  readonly rule?: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly awsRequestId?: string;
  readonly upstreamMs?: number;
  readonly gatewayMs?: number;
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

export function listSessions(db: Database): SessionSummary[] {
  return rows(
    db,
    `SELECT s.*, CASE WHEN src.end_fault IS NOT NULL AND src.fault IS NOT NULL THEN src.end_fault || '; ' || src.fault
       ELSE COALESCE(src.end_fault, src.fault) END AS fault
     FROM sessions s LEFT JOIN sources src ON src.session = s.session
     ORDER BY COALESCE(s.started_at, s.first_ts) DESC`,
  ).map((r) => ({
    session: String(r.session),
    taskId: String(r.task_id),
    name: str(r.name),
    startedBy: str(r.started_by),
    agent: str(r.agent),
    workspace: str(r.workspace),
    startedAt: str(r.started_at),
    expiresAt: str(r.expires_at),
    endedAt: str(r.ended_at),
    endReason: str(r.end_reason),
    imported: r.imported === 1,
    signer: str(r.signer),
    events: Number(r.events),
    calls: Number(r.calls),
    allowed: Number(r.allowed),
    denied: Number(r.denied),
    errors: Number(r.errors),
    approvals: Number(r.approvals),
    masked: Number(r.masked),
    firstEventAt: str(r.first_ts),
    lastEventAt: str(r.last_ts),
    fault: str(r.fault),
  }));
}

function likePattern(glob: string): string {
  return glob.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/** FTS4 query from free words: each word must appear (prefix match), quotes dropped. */
function ftsQuery(text: string): string | undefined {
  const words = text.match(/[\p{L}\p{N}_:./-]+/gu) ?? [];
  const terms = words.map((w) => `"${w.replace(/"/g, '')}"`).filter((t) => t !== '""');
  return terms.length > 0 ? terms.join(' ') : undefined;
}

/** Calls matching every given filter, oldest first. */
export function findCalls(db: Database, f: CallFilter): CallRow[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.session) {
    where.push('c.session = ?');
    params.push(f.session);
  }
  if (f.service) {
    where.push(
      `(c.service = ? OR EXISTS (SELECT 1 FROM call_actions a WHERE a.call = c.id AND a.action LIKE ? ESCAPE '\\'))`,
    );
    params.push(f.service, `${likePattern(f.service)}:%`);
  }
  if (f.action) {
    where.push(`EXISTS (SELECT 1 FROM call_actions a WHERE a.call = c.id AND a.action LIKE ? ESCAPE '\\')`);
    params.push(likePattern(f.action));
  }
  if (f.decision) {
    where.push('c.decision = ?');
    params.push(f.decision);
  }
  if (f.status) {
    const s = f.status.toLowerCase();
    if (s === 'error') where.push('(c.error_code IS NOT NULL OR c.status >= 400)');
    else if (/^[1-5]xx$/.test(s)) {
      where.push('c.status BETWEEN ? AND ?');
      params.push(Number(s[0]) * 100, Number(s[0]) * 100 + 99);
    } else {
      where.push('c.status = ?');
      params.push(Number(s));
    }
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
