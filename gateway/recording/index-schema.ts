/**
 * One chunk of the call index (sql.js): the calls of a stretch of one journal or bundle, derived
 * and rebuildable. Nothing here is evidence; every row can be recomputed from the bytes it names.
 * `meta` says which chunk this file is (session, number, build id), so a stale file is detected.
 * `at` and `prev`: where the call's first event is in its journal (byte offset, and the hash
 * before it), so `show` can start reading there.
 */
export const CHUNK_SCHEMA_VERSION = 3;

export const CHUNK_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL,
  call_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  at INTEGER,
  prev TEXT,
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
CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts, session, seq);
CREATE INDEX IF NOT EXISTS calls_service ON calls (service);
CREATE TABLE IF NOT EXISTS call_actions (call INTEGER NOT NULL, action TEXT NOT NULL COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS call_actions_action ON call_actions (action);
CREATE VIRTUAL TABLE IF NOT EXISTS call_text USING fts4 (body);
CREATE VIRTUAL TABLE IF NOT EXISTS call_terms USING fts4aux (call_text);
`;
