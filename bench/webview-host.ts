/**
 * Plays the extension's part for the built timeline (dist/webview) in headless Chromium: serves it
 * with a VS Code-like strict CSP (nonce'd scripts, styles and fonts from the page's own origin
 * only), a real theme's variables, an `acquireVsCodeApi` that records what the webview posts, and
 * `post` to send it host messages. Used by the benchmark and the screenshots.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { timelineHtml } from '../webview/src/host-html';
import { themeCss, type HostTheme } from './webview-themes';

const DIST = path.resolve('dist/webview');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** What the host page's own script defines (the bench is type-checked without the DOM library). */
export interface PageGlobals {
  __posted: { type: string }[];
  __violations: string[];
  postMessage(message: unknown, targetOrigin: string): void;
  requestAnimationFrame(cb: () => void): number;
  setTimeout(cb: () => void, ms?: number): unknown;
}

export interface HostServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** What VS Code's webview frame provides: `acquireVsCodeApi`, here recording what is posted. */
const VSCODE_SHIM = `
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
`;

/** The page the extension would serve (webview/src/host-html.ts), with a theme and the bench's probes. */
function page(origin: string, nonce: string, theme: HostTheme, surface: 'sidebar' | 'panel'): string {
  return timelineHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/webview/timeline.js`,
    styleUri: `${origin}/webview/timeline.css`,
    codiconUri: `${origin}/webview/codicon.css`,
    surface,
    extraStyles: [`${origin}/theme/${theme}.css`],
    extraScripts: [`${origin}/bench/vscode-shim.js`, `${origin}/bench/events.js`],
    // The benchmark's host worker only (the webview itself starts none).
    extraCsp: [`worker-src ${origin}`],
    bodyClass: theme === 'dark' ? 'vscode-dark' : 'vscode-light',
  });
}

/** Serves dist/webview, the themes and the generator + probes (bench/webview-probe.ts, bundled). */
export async function startHostServer(): Promise<HostServer> {
  const generator = await esbuild.build({
    entryPoints: ['bench/webview-probe.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'AirlockBench',
    platform: 'browser',
    write: false,
  });
  const generatorJs = generator.outputFiles[0]!.text;
  const hostWorker = await esbuild.build({
    entryPoints: ['bench/webview-host-worker.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  const hostWorkerJs = hostWorker.outputFiles[0]!.text;
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const origin = `http://${req.headers.host ?? ''}`;
      const send = (type: string, body: string | Buffer): void => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/') {
        const theme = url.searchParams.get('theme') === 'light' ? 'light' : 'dark';
        const surface = url.searchParams.get('surface') === 'sidebar' ? 'sidebar' : 'panel';
        return send('text/html', page(origin, randomBytes(16).toString('base64'), theme, surface));
      }
      if (url.pathname === '/bench/events.js') return send('text/javascript', generatorJs);
      if (url.pathname === '/bench/vscode-shim.js') return send('text/javascript', VSCODE_SHIM);
      if (url.pathname === '/bench/host-worker.js') return send('text/javascript', hostWorkerJs);
      const theme = /^\/theme\/(dark|light)\.css$/.exec(url.pathname);
      if (theme) return send('text/css', themeCss(theme[1] as HostTheme));
      if (url.pathname.startsWith('/webview/')) {
        const file = path.join(DIST, path.basename(url.pathname));
        return send(TYPES[path.extname(file)] ?? 'application/octet-stream', await readFile(file));
      }
      res.writeHead(404).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface HostPageOptions {
  readonly theme: HostTheme;
  readonly surface: 'sidebar' | 'panel';
  readonly width: number;
  readonly height: number;
}

/** Opens the timeline as a webview would load it; resolves once it has posted `ready`. */
export async function openHostPage(browser: Browser, server: HostServer, o: HostPageOptions): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: o.width, height: o.height }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${server.origin}/?theme=${o.theme}&surface=${o.surface}`);
  await p.waitForFunction(() =>
    (globalThis as unknown as PageGlobals).__posted.some((m) => m.type === 'ready'),
  );
  if (errors.length > 0) throw new Error(`webview errors: ${errors.join('; ')}`);
  return p;
}

/** Sends host messages the way VS Code delivers them (window `message` events). */
export async function post(p: Page, messages: readonly unknown[]): Promise<void> {
  await p.evaluate((ms) => {
    for (const m of ms) (globalThis as unknown as PageGlobals).postMessage(m, '*');
  }, messages);
}

export async function violations(p: Page): Promise<string[]> {
  return p.evaluate(() => (globalThis as unknown as PageGlobals).__violations);
}

export async function postedByWebview(p: Page): Promise<unknown[]> {
  return p.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
}
