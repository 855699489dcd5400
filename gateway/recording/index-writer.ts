import type { Database, Statement } from 'sql.js';
import type { JournalEvent } from '../journal/events';

/** Free-text per call is capped: enough to find a call, never a second copy of the recording. */
const TEXT_CAP = 4096;

function clip(s: string): string {
  return s.length > TEXT_CAP ? s.slice(0, TEXT_CAP) : s;
}

interface Stmts {
  readonly ensureSession: Statement;
  readonly started: Statement;
  readonly ended: Statement;
  readonly counters: Statement;
  readonly insertCall: Statement;
  readonly callId: Statement;
  readonly insertAction: Statement;
  readonly insertText: Statement;
  readonly appendText: Statement;
  readonly decision: Statement;
  readonly response: Statement;
}

interface Tally {
  events: number;
  calls: number;
  allowed: number;
  denied: number;
  errors: number;
  approvals: number;
  masked: number;
  first?: string;
  last?: string;
}

/** Turns journal events into index rows. One instance per sync; statements are reused. */
export class IndexWriter {
  private readonly s: Stmts;

  constructor(private readonly db: Database) {
    const p = (sql: string): Statement => db.prepare(sql);
    this.s = {
      ensureSession: p('INSERT OR IGNORE INTO sessions (session, task_id) VALUES (?, ?)'),
      started: p(
        'UPDATE sessions SET name = ?, started_by = ?, agent = ?, workspace = ?, started_at = ?, expires_at = ? WHERE session = ?',
      ),
      ended: p('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE session = ?'),
      counters: p(
        `UPDATE sessions SET events = events + ?, calls = calls + ?, allowed = allowed + ?, denied = denied + ?,
         errors = errors + ?, approvals = approvals + ?, masked = masked + ?,
         first_ts = COALESCE(first_ts, ?), last_ts = COALESCE(?, last_ts) WHERE session = ?`,
      ),
      insertCall: p(
        `INSERT OR IGNORE INTO calls (session, call_id, seq, ts, identity, service, region, operation, method, actions, resources)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      callId: p('SELECT id FROM calls WHERE session = ? AND call_id = ?'),
      insertAction: p('INSERT INTO call_actions (call, action) VALUES (?, ?)'),
      insertText: p('INSERT INTO call_text (docid, body) VALUES (?, ?)'),
      appendText: p("UPDATE call_text SET body = body || ' ' || ? WHERE docid = ?"),
      decision: p('UPDATE calls SET decision = ?, reason = ?, rule = ? WHERE id = ?'),
      response: p(
        `UPDATE calls SET status = ?, error_code = ?, aws_request_id = ?, upstream_ms = ?, gateway_ms = ?,
         masked = masked + ? WHERE id = ?`,
      ),
    };
  }

  free(): void {
    for (const st of Object.values(this.s) as Statement[]) st.free();
  }

  /** Calls inserted in the current apply(): their row ids and free text, written once at the end. */
  private pending = new Map<string, { id: number; text: string[] }>();

  private idOf(session: string, callId: string): number | undefined {
    const p = this.pending.get(callId);
    if (p) return p.id;
    const st = this.s.callId;
    st.bind([session, callId]);
    const id = st.step() ? (st.get()[0] as number) : undefined;
    st.reset();
    return id;
  }

  private run(st: Statement, params: (string | number | null | undefined)[]): void {
    st.run(params.map((v) => (v === undefined ? null : v)));
  }

  private insertCall(
    session: string,
    e: JournalEvent,
    callId: string,
    fields: {
      identity?: string;
      service?: string;
      region?: string;
      operation?: string;
      method?: string;
      actions: readonly string[];
      resources: readonly string[];
      text: string;
    },
  ): number | undefined {
    this.run(this.s.insertCall, [
      session,
      callId,
      e.seq,
      e.ts,
      fields.identity,
      fields.service,
      fields.region,
      fields.operation,
      fields.method,
      fields.actions.join(' '),
      fields.resources.join(' '),
    ]);
    const id = this.idOf(session, callId);
    if (id === undefined) return undefined;
    for (const a of new Set(fields.actions)) this.run(this.s.insertAction, [id, a]);
    this.pending.set(callId, { id, text: [fields.text] });
    return id;
  }

  /** Free text for a call: gathered while its events arrive in this batch, appended otherwise. */
  private addText(callId: string, id: number, text: string): void {
    const p = this.pending.get(callId);
    if (p) p.text.push(text);
    else this.run(this.s.appendText, [clip(text), id]);
  }

  /** Applies events of one session, in chain order. */
  apply(session: string, events: readonly JournalEvent[]): void {
    if (events.length === 0) return;
    const first = events[0];
    this.run(this.s.ensureSession, [session, first?.task ?? session]);
    const t: Tally = { events: 0, calls: 0, allowed: 0, denied: 0, errors: 0, approvals: 0, masked: 0 };
    this.pending.clear();
    for (const e of events) {
      t.events++;
      t.first ??= e.ts;
      t.last = e.ts;
      this.applyOne(session, e, t);
    }
    for (const { id, text } of this.pending.values()) this.run(this.s.insertText, [id, clip(text.join(' '))]);
    this.pending.clear();
    this.run(this.s.counters, [
      t.events,
      t.calls,
      t.allowed,
      t.denied,
      t.errors,
      t.approvals,
      t.masked,
      t.first,
      t.last,
      session,
    ]);
  }

  private applyOne(session: string, e: JournalEvent, t: Tally): void {
    switch (e.type) {
      case 'task.started': {
        const d = e.data;
        this.run(this.s.started, [d.name, d.startedBy, d.agent, d.workspace, e.ts, d.expiresAt, session]);
        return;
      }
      case 'task.ended':
        this.run(this.s.ended, [e.ts, e.data.reason, session]);
        return;
      case 'call.request': {
        const d = e.data;
        t.calls++;
        const actions = d.actions.map((a) => a.action);
        const resources = d.actions.flatMap((a) => a.resources).filter((r) => r !== '*');
        if (d.masked?.length) t.masked++;
        this.insertCall(session, e, d.callId, {
          identity: d.identity,
          service: d.service,
          region: d.region,
          operation: d.operation,
          method: d.method,
          actions,
          resources,
          text: [
            d.service,
            d.operation,
            d.target,
            actions.join(' '),
            resources.join(' '),
            JSON.stringify(d.params),
          ].join(' '),
        });
        return;
      }
      case 'call.decision': {
        const d = e.data;
        const id = this.idOf(session, d.callId);
        if (id === undefined) return;
        if (d.decision === 'allow') t.allowed++;
        else t.denied++;
        this.run(this.s.decision, [d.decision, d.reason, d.rule, id]);
        this.addText(d.callId, id, d.reason);
        return;
      }
      case 'call.response': {
        const d = e.data;
        const id = this.idOf(session, d.callId);
        if (id === undefined) return;
        if (d.status >= 400 || d.errorCode) t.errors++;
        if (d.masked?.length) t.masked++;
        this.run(this.s.response, [
          d.status,
          d.errorCode,
          d.awsRequestId,
          d.upstreamMs,
          d.gatewayMs,
          d.masked?.length ? 1 : 0,
          id,
        ]);
        const text = [d.errorCode ?? '', d.awsRequestId ?? '', d.body ?? ''].join(' ').trim();
        if (text) this.addText(d.callId, id, text);
        return;
      }
      case 'call.error': {
        const d = e.data;
        t.errors++;
        const id = this.insertCall(session, e, d.callId ?? `error-${e.seq}`, {
          actions: [],
          resources: [],
          text: `${d.code} ${d.message}`,
        });
        if (id !== undefined) this.run(this.s.response, [null, d.code, null, null, null, 0, id]);
        return;
      }
      case 'approval.requested':
        t.approvals++;
        return;
      default:
        return;
    }
  }
}
