// The review commands as a user runs them: `node bin/airlock.js` (the esbuild bundle) in its own
// process, startup and exit included. In-process figures leave out loading the bundle, a fresh
// heap, and the journal's hash worker starting up.
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './load';

const ROOT = resolve(import.meta.dirname, '..');

/** Rebuilds dist/ so the bundle timed is the sources benched. */
export function buildCli(): void {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node esbuild.mjs failed: ${r.stderr}`);
}

/** Wall milliseconds of one `node bin/airlock.js ...args`; throws unless it exits 0 with output. */
async function runCli(args: readonly string[]): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'airlock.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = 0;
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.length));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const ms = performance.now() - start;
  if (code !== 0 || out === 0) throw new Error(`airlock ${args.join(' ')} exited ${code}: ${err}`);
  return ms;
}

export interface CliTimes {
  readonly suggestMs: number[];
  readonly whatIfMs: number[];
  readonly medianSuggestMs: number;
  readonly medianWhatIfMs: number;
  /** 1-minute load average before and after: 2 means both of a 2-vCPU machine's cores were busy. */
  readonly loadAverage: readonly [number, number];
}

/** `policy suggest` and `what-if` on a task, alternated `rounds` times. */
export async function timeCli(
  dataDir: string,
  taskId: string,
  policyFile: string,
  rounds = 3,
): Promise<CliTimes> {
  const before = loadavg()[0] ?? 0;
  const suggestMs: number[] = [];
  const whatIfMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    suggestMs.push(Math.round(await runCli(['policy', 'suggest', taskId, '--data-dir', dataDir])));
    whatIfMs.push(
      Math.round(await runCli(['what-if', '--policy', policyFile, taskId, '--data-dir', dataDir])),
    );
  }
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return {
    suggestMs,
    whatIfMs,
    medianSuggestMs: median(suggestMs),
    medianWhatIfMs: median(whatIfMs),
    loadAverage: [round2(before), round2(loadavg()[0] ?? 0)],
  };
}
