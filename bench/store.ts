// Queries over a big store (issue 12): `sessions` cold and warm, the timeline's task list, filtered
// `calls`, `show` of the biggest task, each run as its own process (the real CLI bundle, and the
// extension's TimelineSource bundled the same way) with its wall time and peak RSS (VmHWM, read by
// the process itself as it exits). BENCH_STORE_CALLS sets the size (default 1,000,000);
// BENCH_STORE_DIR reuses a store generated before (kept with BENCH_STORE_KEEP=1).
// `npm run bench -- store`, or `node --import tsx bench/store.ts` alone.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { COMMON_WORD, RARE_SERVICE, RARE_WORD } from './store-call-mix';
import { appendCalls, generateStore } from './store-data';
import { openStoreWriter } from './store-writer';

const REPO = resolve(import.meta.dirname, '..');
/** Calls appended after the summaries were last written (the most a killed gateway leaves). */
const UNSUMMARISED_CALLS = 5000;

const HWM_PRELOAD = `const fs = require('node:fs');
process.on('exit', () => {
  try {
    const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    const u = process.resourceUsage();
    fs.writeFileSync(process.env.BENCH_HWM_FILE, JSON.stringify({ kb: m ? Number(m[1]) : 0, cpuUs: u.userCPUTime + u.systemCPUTime }));
  } catch {}
});
`;

interface Failed {
  readonly ms: number;
  readonly failed: string;
}

interface Step {
  /** Wall time, process start to exit (node's own start included). */
  readonly ms: number;
  /** CPU time of the process (user + system): steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly code: number;
  readonly out?: unknown;
}

async function runChild(work: string, args: string[], keepStdout: boolean): Promise<Step> {
  const hwmFile = join(work, `hwm-${process.hrtime.bigint()}`);
  const devNull = keepStdout ? undefined : openSync('/dev/null', 'w');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-r', join(work, 'hwm.cjs'), ...args], {
    stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
    env: { ...process.env, BENCH_HWM_FILE: hwmFile },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  const ms = performance.now() - t0;
  if (devNull !== undefined) closeSync(devNull);
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`);
  const usage = JSON.parse(await readFile(hwmFile, 'utf8').catch(() => '{}')) as {
    kb?: number;
    cpuUs?: number;
  };
  let out: unknown;
  if (keepStdout) {
    try {
      out = JSON.parse(stdout);
    } catch {
      out = stdout.slice(0, 200);
    }
  }
  return {
    ms: Math.round(ms),
    cpuMs: Math.round((usage.cpuUs ?? 0) / 1000),
    peakRssMb: Math.round((usage.kb ?? 0) / 1024),
    code,
    out,
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await stat(p)).size;
  }
  return total;
}

/** The CLI as users run it, copied with what loads from next to it (a rebuild meanwhile cannot mix in). */
async function build(work: string): Promise<{ cli: string; timeline: string }> {
  const b = spawn(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  const code = await new Promise<number>((r) => b.on('close', (c) => r(c ?? -1)));
  if (code !== 0) throw new Error('esbuild.mjs failed');
  const bin = join(work, 'dist');
  await mkdir(bin);
  for (const f of ['gateway.js', 'sql-wasm.wasm', 'model.generated.json'])
    await copyFile(join(REPO, 'dist', f), join(bin, f));
  await writeFile(join(work, 'hwm.cjs'), HWM_PRELOAD);
  const timeline = join(work, 'timeline-child.js');
  await esbuild.build({
    entryPoints: [join(REPO, 'bench', 'store-timeline-child.ts')],
    outfile: timeline,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return { cli: join(bin, 'gateway.js'), timeline };
}

export async function storeBench(
  calls = Number(process.env.BENCH_STORE_CALLS ?? 1_000_000),
): Promise<unknown> {
  const work = await mkdtemp(join(tmpdir(), 'airlock-bench-store-'));
  const reuse = process.env.BENCH_STORE_DIR;
  const dataDir = reuse ?? join(work, 'data');
  try {
    const { cli: CLI, timeline } = await build(work);
    let generated: unknown = { reused: reuse };
    if (!reuse) {
      await mkdir(dataDir, { recursive: true });
      const t0 = performance.now();
      const writer = await openStoreWriter(dataDir);
      const g = await generateStore(dataDir, calls, writer);
      await writer.close();
      // The last seconds before a kill -9: journaled, not yet in any summary.
      const raw = await openStoreWriter(dataDir, { summaries: false });
      const tailEvents = await appendCalls(raw.journal, g.tasks[0]?.taskId ?? '', calls, UNSUMMARISED_CALLS);
      await raw.close();
      generated = {
        calls: calls + UNSUMMARISED_CALLS,
        events: g.events + tailEvents,
        tasks: g.tasks.map((t) => t.calls),
        unsummarisedCalls: UNSUMMARISED_CALLS,
        journalMB: Math.round((await dirBytes(join(dataDir, 'journal'))) / 1048576),
        generateMs: Math.round(performance.now() - t0),
      };
    }
    const biggest = 't-bench-store-0';
    const cli = (args: string[], keep = true): Promise<Step> =>
      runChild(work, [CLI, ...args, '--data-dir', dataDir], keep);
    const clearIndex = async (): Promise<void> => {
      for (const name of ['index.sqlite', 'index'])
        await rm(join(dataDir, name), { recursive: true, force: true });
    };
    await clearIndex();
    const results: Record<string, Step> = {};
    const failures: Record<string, Failed> = {};
    const only = process.env.BENCH_STORE_STEPS?.split(',');
    const step = async (name: string, run: () => Promise<Step>): Promise<void> => {
      if (only && !only.includes(name)) return;
      process.stderr.write(`store bench: ${name}…\n`);
      const t0 = performance.now();
      try {
        results[name] = await run();
      } catch (e) {
        // A query that cannot finish is a result too (the old `show` ran out of string length).
        failures[name] = { ms: Math.round(performance.now() - t0), failed: String(e).slice(0, 300) };
        process.stderr.write(`store bench: ${name} failed: ${failures[name].failed}\n`);
        return;
      }
      const r = results[name];
      process.stderr.write(`store bench: ${name}: ${r?.ms} ms (cpu ${r?.cpuMs} ms), ${r?.peakRssMb} MB\n`);
    };
    await step('sessionsCold', () => cli(['sessions', '--json']));
    await step('sessionsWarm', () => cli(['sessions', '--json']));
    await step('timelineTaskList', () => runChild(work, [timeline, dataDir], true));
    // The first call query builds whatever call index it needs (from nothing: see sessionsCold).
    await step('callsFirst', () => cli(['calls', '--json', '--service', RARE_SERVICE]));
    await step('callsRareService', () => cli(['calls', '--json', '--service', RARE_SERVICE]));
    await step('callsCommonServiceLimit', () =>
      cli(['calls', '--json', '--service', 'dynamodb', '--limit', '50']),
    );
    await step('callsDeniedLimit', () => cli(['calls', '--json', '--decision', 'deny', '--limit', '50']));
    await step('callsTextRare', () => cli(['calls', '--json', '--text', RARE_WORD]));
    await step('callsTextCommonLimit', () =>
      cli(['calls', '--json', '--text', COMMON_WORD, '--limit', '50']),
    );
    await step('showBiggestTask', () => cli(['show', biggest, '--json'], false));
    await step('showBiggestTaskFiltered', () =>
      cli(['show', biggest, '--json', '--service', RARE_SERVICE], false),
    );
    const count = (s: Step | undefined): number | undefined =>
      Array.isArray(s?.out) ? s.out.length : undefined;
    const sessionCalls = (s: Step | undefined): number | undefined =>
      Array.isArray(s?.out) ? (s.out as { calls: number }[]).reduce((a, x) => a + x.calls, 0) : undefined;
    const summary = Object.fromEntries(
      Object.entries(results).map(([k, v]) => [k, { ms: v.ms, cpuMs: v.cpuMs, peakRssMb: v.peakRssMb }]),
    );
    const interactive = [
      'sessionsCold',
      'sessionsWarm',
      'timelineTaskList',
      'callsRareService',
      'callsCommonServiceLimit',
      'callsDeniedLimit',
      'callsTextRare',
      'callsTextCommonLimit',
    ];
    // Memory is bounded by the chunk size, not the store: a query holds one chunk (and the build one
    // chunk and one block) whatever the number of calls.
    const peakBoundMb = Number(process.env.BENCH_STORE_PEAK_MB ?? 350);
    return {
      generated,
      indexMB: Math.round(
        (await dirBytes(join(dataDir, 'index'))) / 1048576 +
          (await stat(join(dataDir, 'index.sqlite')).then(
            (s) => s.size,
            () => 0,
          )) /
            1048576,
      ),
      results: summary,
      failures,
      found: {
        sessionsCalls: sessionCalls(results.sessionsWarm),
        timeline: results.timelineTaskList?.out,
        rareService: count(results.callsRareService),
        commonServiceLimit: count(results.callsCommonServiceLimit),
        deniedLimit: count(results.callsDeniedLimit),
        textRare: count(results.callsTextRare),
        textCommonLimit: count(results.callsTextCommonLimit),
      },
      targets: {
        ...Object.fromEntries(
          interactive.map((k) => [
            `${k}Ms`,
            { target: '<= 1000', met: (results[k]?.ms ?? Infinity) <= 1000 },
          ]),
        ),
        peakRssMb: {
          target: `<= ${peakBoundMb} for every query`,
          met:
            Object.keys(failures).length === 0 &&
            Object.values(results).every((r) => r.peakRssMb <= peakBoundMb),
        },
      },
    };
  } finally {
    if (process.env.BENCH_STORE_KEEP) process.stderr.write(`kept ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('store.ts')) {
  storeBench().then(
    (r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
