/**
 * The query index (sql.js): a derived, rebuildable view of the journals and imported bundles.
 * Nothing here is evidence; every row can be recomputed from the files it names.
 */
/** 2: sources.end_fault (a journal that ends before the head the gateway recorded). */
export const INDEX_SCHEMA_VERSION = 2;

export const INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  session TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  file TEXT NOT NULL,
  indexed_bytes INTEGER NOT NULL,
  head_seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  mtime_ms REAL NOT NULL,
  fault TEXT,
  end_fault TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
  session TEXT PRIMARY KEY,
  task_id TEXT NOT NULL,
  name TEXT,
  started_by TEXT,
  agent TEXT,
  workspace TEXT,
  started_at TEXT,
  expires_at TEXT,
  ended_at TEXT,
  end_reason TEXT,
  imported INTEGER NOT NULL DEFAULT 0,
  signer TEXT,
  events INTEGER NOT NULL DEFAULT 0,
  calls INTEGER NOT NULL DEFAULT 0,
  allowed INTEGER NOT NULL DEFAULT 0,
  denied INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  approvals INTEGER NOT NULL DEFAULT 0,
  masked INTEGER NOT NULL DEFAULT 0,
  first_ts TEXT,
  last_ts TEXT
);
CREATE TABLE IF NOT EXISTS calls (
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL,
  call_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  identity TEXT,
  service TEXT,
  region TEXT,
  operation TEXT,
  method TEXT,
  actions TEXT,
  resources TEXT,
  decision TEXT,
  reason TEXT,
  rule TEXT,
  status INTEGER,
  error_code TEXT,
  aws_request_id TEXT,
  upstream_ms REAL,
  gateway_ms REAL,
  masked INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session, call_id)
);
CREATE INDEX IF NOT EXISTS calls_service ON calls (service, operation);
CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts);
CREATE INDEX IF NOT EXISTS calls_decision ON calls (decision);
CREATE INDEX IF NOT EXISTS calls_identity ON calls (identity);
CREATE TABLE IF NOT EXISTS call_actions (call INTEGER NOT NULL, action TEXT NOT NULL COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS call_actions_action ON call_actions (action);
CREATE INDEX IF NOT EXISTS call_actions_call ON call_actions (call);
CREATE VIRTUAL TABLE IF NOT EXISTS call_text USING fts4 (body);
`;
