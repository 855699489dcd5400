// Bundles the three deliverables: the gateway CLI (dist/gateway.js), the extension host code
// (dist/extension.js) and, once it exists, the webview. Node 20 is the floor for the gateway
// (VS Code's runtime is newer).
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
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['gateway/cli/main.ts'], outfile: 'dist/gateway.js' }),
  esbuild.build({ ...common, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
]);
