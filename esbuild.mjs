// Bundles the three deliverables: the gateway CLI (dist/gateway.js, with dist/relaunch-gateway.js
// in front of it), the extension host code (dist/extension.js) and, once it exists, the webview.
// Node 20 is the floor for the gateway (VS Code's runtime is newer).
import { copyFile, mkdir } from 'node:fs/promises';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // The AWS model loader falls back to import.meta.url only outside CommonJS bundles.
  logOverride: { 'empty-import-meta': 'silent' },
};

await mkdir('dist', { recursive: true });
// The routing table loads from next to the bundle (gateway/aws/model.ts resolves it via __dirname).
await copyFile('gateway/aws/model.generated.json', 'dist/model.generated.json');
// So does the IAM resource table (gateway/aws/iam-resources.ts), from scripts/gen-iam-resources.mjs.
await copyFile('gateway/aws/iam-resources.generated.json', 'dist/iam-resources.generated.json');
// And the IAM action names policy checks match patterns against (scripts/gen-iam-actions.mjs).
await copyFile('gateway/aws/iam-actions.generated.json', 'dist/iam-actions.generated.json');
// sql.js (the recording index) loads its wasm from next to the bundle (gateway/recording/sqljs.ts).
await copyFile('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['gateway/cli/main.ts'], outfile: 'dist/gateway.js' }),
  // What bin/airlock.js loads first for `airlock gateway`: a process that restarts itself with the
  // gateway's runtime flags loads only this.
  esbuild.build({
    ...common,
    entryPoints: ['gateway/cli/relaunch-gateway.ts'],
    outfile: 'dist/relaunch-gateway.js',
  }),
  esbuild.build({
    ...common,
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  }),
]);
