// `npm run build:webview`: the timeline webview to dist/webview/ — timeline.js (one IIFE bundle),
// timeline.css (base styles + every component's styles) and the codicon font with its stylesheet.
// Nothing is inlined and nothing evaluates strings, so the host page can use a strict CSP.
import { copyFile, mkdir } from 'node:fs/promises';
import * as esbuild from 'esbuild';
import { sveltePlugin } from './build/svelte-plugin.mjs';

const production = process.argv.includes('--production');
const outdir = 'dist/webview';

await mkdir(outdir, { recursive: true });
await Promise.all([
  esbuild.build({
    entryPoints: { timeline: 'webview/src/main.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // VS Code 1.90's Electron (Chromium 122) and any later one.
    target: ['chrome120'],
    conditions: ['svelte', 'browser'],
    outdir,
    minify: production,
    sourcemap: production ? false : 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    plugins: [sveltePlugin({ dev: false })],
  }),
  copyFile('node_modules/@vscode/codicons/dist/codicon.css', `${outdir}/codicon.css`),
  copyFile('node_modules/@vscode/codicons/dist/codicon.ttf', `${outdir}/codicon.ttf`),
]);
