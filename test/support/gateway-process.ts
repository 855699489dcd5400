import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const AIRLOCK_BIN = join(REPO_ROOT, 'bin/airlock.js');

/** An environment with no trace of the developer's own AWS setup. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('AWS_') && !k.startsWith('AIRLOCK_')) env[k] = v;
  env.AWS_CONFIG_FILE = '/nonexistent/airlock-test-config';
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/airlock-test-credentials';
  env.AWS_EC2_METADATA_DISABLED = 'true';
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export interface GatewayProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly proc: ChildProcess;
  /** Everything the gateway wrote to stderr (its log). */
  stderr(): string;
  stdoutLines(): string[];
  /** Runs `airlock ...` against this gateway's data dir; resolves with exit code and output. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the gateway and removes its data dir (unless the caller supplied one). */
  dispose(): Promise<void>;
}

export interface StartOptions {
  readonly upstream?: string;
  /** The gateway's real credentials (go into its env, as the default chain would find them). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly args?: string[];
  readonly dataDir?: string;
  /**
   * Starts Node with the gateway's runtime flags, as the extension does (default), so the gateway
   * runs in the process started; false starts it as a user's bare `airlock gateway`, which then
   * runs the gateway in a child of its own with them (gateway/cli/relaunch-gateway.ts).
   */
  readonly runtimeFlags?: boolean;
  /** Extra Node flags for the gateway process (e.g. --cpu-prof for profiling), after those. */
  readonly nodeArgs?: string[];
  /** More environment for the gateway process (after the isolated one). */
  readonly env?: Record<string, string>;
  /** Starts it in a process group of its own, which a test may signal as a terminal does. */
  readonly ownProcessGroup?: boolean;
  /** Runs the gateway under this file-descriptor limit (`ulimit -n`, soft and hard). */
  readonly fdLimit?: number;
}

export function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

/** Starts `airlock gateway` as a user would and waits for its ready line. */
export async function startGatewayProcess(opts: StartOptions = {}): Promise<GatewayProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'airlock-gw-')));
  const args = [
    ...(opts.runtimeFlags === false ? [] : GATEWAY_NODE_FLAGS),
    ...(opts.nodeArgs ?? []),
    AIRLOCK_BIN,
    'gateway',
    '--data-dir',
    dataDir,
    '--port',
    '0',
    ...(opts.args ?? []),
  ];
  if (opts.upstream) args.push('--upstream', opts.upstream);
  const env = isolatedEnv({
    AWS_ACCESS_KEY_ID: opts.credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: opts.credentials?.secretAccessKey,
    AWS_SESSION_TOKEN: opts.credentials?.sessionToken,
    ...opts.env,
  });
  // The shell sets the limit and execs node in its place, so signals reach the gateway itself.
  const proc =
    opts.fdLimit === undefined
      ? spawn(process.execPath, args, {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: opts.ownProcessGroup,
        })
      : spawn('/bin/sh', ['-c', `ulimit -n ${opts.fdLimit} && exec "$0" "$@"`, process.execPath, ...args], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let err = '';
  const lines: string[] = [];
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const rl = createInterface({ input: proc.stdout });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not get ready; stderr:\n${err}`)), 20_000);
    rl.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        clearTimeout(timer);
        try {
          const ready = JSON.parse(line) as { ready: boolean; port: number };
          if (!ready.ready) throw new Error(line);
          resolvePort(ready.port);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}; stderr:\n${err}`));
    });
  });
  const cliEnv = isolatedEnv();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill(signal);
    return exited;
  };
  return {
    port,
    dataDir,
    proc,
    stderr: () => err,
    stdoutLines: () => lines,
    cli: (cliArgs) => runNode([AIRLOCK_BIN, ...cliArgs, '--data-dir', dataDir], cliEnv),
    stop,
    async dispose() {
      await stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface StartedTask {
  readonly taskId: string;
  readonly expiresAt: string;
  readonly env: Record<string, string>;
}

export async function startTask(gw: GatewayProcess, args: string[]): Promise<StartedTask> {
  const r = await gw.cli(['task', 'start', '--json', ...args]);
  if (r.code !== 0) throw new Error(`task start failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as StartedTask;
}
