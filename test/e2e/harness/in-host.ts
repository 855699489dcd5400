import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as esbuild from 'esbuild';
import { baseEnv, collect, freePort, killGroup, QUIET_SETTINGS } from './code-server';
import { ensureCodeServer } from './install';
import type { InHostReport } from './in-host-report';
import { REPO_ROOT } from './vsix';
import { launchChromium } from './workbench';

export interface InHostOptions {
  /** The tests module (TypeScript, run inside the extension host; exports `run()`). */
  readonly suite: string;
  readonly workspace: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Environment of the server, and so of the extension host, the gateway and terminals. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

/**
 * The second way to test (shared/E2E-VSCODE.md): VS Code's own server inside code-server runs the
 * extension from the source folder (`extensionDevelopmentPath` = this repo, so `dist/` as
 * `npm run build` left it) and a tests module inside its extension host, where the `vscode` API
 * is at hand. The module writes its report to the file named by AIRLOCK_INHOST_REPORT.
 */
export async function runInHost(o: InHostOptions): Promise<InHostReport> {
  const install = await ensureCodeServer();
  const runDir = await mkdtemp(join(tmpdir(), 'airlock-e2e-inhost-'));
  const report = join(runDir, 'report.json');
  const suiteJs = join(runDir, 'suite.js');
  // The extension host loads CommonJS; `vscode` is its own.
  await esbuild.build({
    entryPoints: [o.suite],
    outfile: suiteJs,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const userDataDir = join(runDir, 'ud');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await writeFile(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...o.settings }, null, 2),
  );
  const env = baseEnv(install, runDir, { ...o.env, AIRLOCK_INHOST_REPORT: report });
  const serverMain = join(install.codeServerRoot, 'lib', 'vscode', 'out', 'server-main.js');
  const sink = { text: '' };
  let proc: ChildProcess | undefined;
  const browser = await launchChromium();
  try {
    const port = await freePort();
    proc = spawn(
      install.nodeBin,
      [
        serverMain,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        // A built workbench honours the `payload` (development path, tests path) only with it.
        '--enable-smoke-test-driver',
        '--disable-telemetry',
        '--user-data-dir',
        userDataDir,
        '--server-data-dir',
        join(runDir, 'server'),
        '--extensions-dir',
        join(runDir, 'exts'),
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    collect(proc, sink);
    await waitForListening(proc, sink);
    const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(REPO_ROOT)],
      ['extensionTestsPath', remote(suiteJs)],
    ]);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(payload)}`,
    );
    const deadline = Date.now() + (o.timeoutMs ?? Number(process.env.AIRLOCK_INHOST_TIMEOUT_MS ?? 240_000));
    let last: InHostReport | undefined;
    while (Date.now() < deadline && proc.exitCode === null) {
      const text = await readFile(report, 'utf8').catch(() => '');
      // The suite rewrites the file after each check; a half-written one is read again.
      try {
        if (text) last = JSON.parse(text) as InHostReport;
      } catch {
        // mid-write
      }
      if (last?.done) return last;
      await sleep(250);
    }
    if (last) return last;
    throw new Error(`the in-host suite never started:\n${sink.text.slice(-4000)}`);
  } finally {
    await browser.close().catch(() => undefined);
    if (proc) {
      killGroup(proc, 'SIGTERM');
      await sleep(500);
      killGroup(proc, 'SIGKILL');
    }
    // AIRLOCK_E2E_KEEP=1 keeps the run folder (server and extension host logs) for a post-mortem.
    if (!process.env.AIRLOCK_E2E_KEEP)
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** VS Code's server has no /healthz; it says when it listens. */
async function waitForListening(proc: ChildProcess, sink: { text: string }): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (/Extension host agent listening on/.test(sink.text)) return;
    if (proc.exitCode !== null) throw new Error(`VS Code server exited (${proc.exitCode}):\n${sink.text}`);
    await sleep(200);
  }
  throw new Error(`VS Code server did not start listening:\n${sink.text}`);
}
