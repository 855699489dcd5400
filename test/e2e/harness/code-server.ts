import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CodeServerInstall, ensureCodeServer } from './install';

/** Settings that keep the workbench quiet and its terminal readable from the DOM. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  // The DOM renderer keeps terminal text in the page, where tests can read it.
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.enablePersistentSessions': false,
  'terminal.integrated.showExitAlert': false,
  'git.enabled': false,
  // The gateway listens on a port; code-server would offer to forward it, with a toast.
  'remote.autoForwardPorts': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface VsCodeOptions {
  /** .vsix files to install before start. */
  readonly vsix?: readonly string[];
  /** Folder to open (created by the caller). */
  readonly workspace?: string;
  /** User settings on top of QUIET_SETTINGS. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extra environment for code-server and so for the extension host and its terminals. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface VsCodeServer {
  readonly url: string;
  readonly port: number;
  /** Scratch folder of this run: user data, extensions, XDG dirs, code-server's log. */
  readonly runDir: string;
  readonly userDataDir: string;
  readonly install: CodeServerInstall;
  /** Everything code-server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The environment of the editor under test: none of the developer's AWS or Airlock setup. */
export function baseEnv(
  install: CodeServerInstall,
  runDir: string,
  extra: VsCodeOptions['env'],
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Nothing of the developer's own AWS or Airlock setup leaks into the editor under test.
  for (const [k, v] of Object.entries(process.env))
    if (
      !k.startsWith('AWS_') &&
      !k.startsWith('AIRLOCK_') &&
      !k.startsWith('VSCODE_') &&
      !k.startsWith('NODE_')
    )
      env[k] = v;
  Object.assign(env, {
    PATH: `${join(install.nodeHome, 'bin')}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: join(runDir, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{}',
    AWS_CONFIG_FILE: '/nonexistent/airlock-e2e-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/airlock-e2e-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Keep bash quiet and predictable in terminals.
    PS1: '$ ',
  });
  for (const [k, v] of Object.entries(extra ?? {})) if (v !== undefined) env[k] = v;
  return env;
}

export function collect(p: ChildProcess, sink: { text: string }): void {
  p.stdout?.on('data', (d: Buffer) => (sink.text += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (sink.text += d.toString()));
}

async function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const sink = { text: '' };
  const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  collect(p, sink);
  const code = await new Promise<number | null>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${sink.text}`);
  return sink.text;
}

export async function waitForHealth(url: string, proc: ChildProcess, sink: { text: string }): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${sink.text}`);
    try {
      const res = await fetch(`${url}/healthz`);
      // Another process may hold the port: only code-server's own JSON counts.
      if (res.ok && ((await res.json()) as { status?: string }).status !== undefined) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`code-server did not answer /healthz at ${url}:\n${sink.text}`);
}

/** Installs the extensions and starts code-server (a real VS Code 1.139) on a free port. */
export async function startVsCode(opts: VsCodeOptions = {}): Promise<VsCodeServer> {
  const install = await ensureCodeServer();
  const runDir = await mkdtemp(join(tmpdir(), 'airlock-e2e-vscode-'));
  const userDataDir = join(runDir, 'ud');
  const extensionsDir = join(runDir, 'exts');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await writeFile(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2),
  );
  const env = baseEnv(install, runDir, opts.env);
  const entry = join(install.codeServerRoot, 'out', 'node', 'entry.js');
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of opts.vsix ?? [])
    await runToEnd(install.nodeBin, [entry, ...common, '--install-extension', vsix], env);

  const sink = { text: '' };
  let port = 0;
  let proc: ChildProcess | undefined;
  for (let attempt = 0; attempt < 3 && !proc; attempt++) {
    port = await freePort();
    const p = spawn(
      install.nodeBin,
      [
        entry,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--reconnection-grace-time',
        '10',
        ...common,
        ...(opts.workspace ? [opts.workspace] : []),
      ],
      // Its own process group, so stopping it takes the extension host, the gateway and terminals too.
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    collect(p, sink);
    try {
      await waitForHealth(`http://127.0.0.1:${port}`, p, sink);
      proc = p;
    } catch (e) {
      killGroup(p);
      if (attempt === 2) throw e;
    }
  }
  const running = proc as ChildProcess;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runDir,
    userDataDir,
    install,
    output: () => sink.text,
    async stop() {
      const exited = new Promise<void>((resolve) => {
        if (running.exitCode !== null || running.signalCode !== null) resolve();
        else running.once('exit', () => resolve());
      });
      killGroup(running, 'SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      killGroup(running, 'SIGKILL');
      await rm(runDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

export function killGroup(p: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    // already gone
  }
}
