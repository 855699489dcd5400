import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

/** The wasm file ships next to the bundle (esbuild.mjs copies it into dist/). */
export const SQL_WASM_FILE = 'sql-wasm.wasm';

function locateWasm(): string {
  const fromEnv = process.env.AIRLOCK_SQL_WASM;
  if (fromEnv) return fromEnv;
  if (typeof __dirname === 'string') {
    const beside = join(__dirname, SQL_WASM_FILE);
    if (existsSync(beside)) return beside;
  }
  // Unbundled (tests, tsx): the npm package's own copy.
  const from = typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js');
  return createRequire(from).resolve(`sql.js/dist/${SQL_WASM_FILE}`);
}

let loading: Promise<SqlJsStatic> | undefined;

/** sql.js, initialised once per process from the wasm binary on disk (no network, no fetch). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= readFile(locateWasm()).then((wasm) =>
    initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) }),
  );
  return loading;
}
