// `npm run bench -- allocations`: what one small call allocates in the gateway at 32 connections,
// by pipeline stage, from V8's sampling heap profiler with collected objects kept in
// (bench/alloc-sampling.mjs). GC is about a sixth of the gateway's CPU per call and scales with
// these bytes; this says which stage to make allocate less, and shows the next regression.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnBenchServer, startBenchGateway } from './bench-servers';
import { callsSent, load } from './load';
import { BENCH_REAL_CREDS, taskSmallCall } from './signed-request';
import { type Profile, splitProfile } from './stage-split';

interface HeapNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

/**
 * The heap profile's tree as a CPU profile's flat node list, with bytes where a CPU profile has
 * time: one "sample" per node that allocated, weighted by its bytes, so stage-split.ts's
 * attribution (the innermost stage on each stack) applies unchanged.
 */
export function heapAsProfile(head: HeapNode): Profile {
  const nodes: { id: number; callFrame: HeapNode['callFrame']; children: number[] }[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const stack: HeapNode[] = [head];
  for (let n = stack.pop(); n; n = stack.pop()) {
    nodes.push({ id: n.id, callFrame: n.callFrame, children: n.children.map((c) => c.id) });
    if (n.selfSize > 0) {
      samples.push(n.id);
      timeDeltas.push(n.selfSize);
    }
    stack.push(...n.children);
  }
  return { nodes, samples, timeDeltas };
}

/** Allocating functions by bytes, as `name file:line`. */
function topSites(head: HeapNode, calls: number, count: number): Record<string, number> {
  const bytes = new Map<string, number>();
  const stack: HeapNode[] = [head];
  for (let n = stack.pop(); n; n = stack.pop()) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber}`;
    bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
    stack.push(...n.children);
  }
  return Object.fromEntries(
    [...bytes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([k, v]) => [k, Math.round(v / calls)]),
  );
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await sleep(25);
  if (!done()) throw new Error(`allocation bench: no ${what}`);
}

export async function benchAllocations(calls = 20_000) {
  const { info: stub, proc } = await spawnBenchServer<{ port: number }>('bench/stub-upstream.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bench-alloc-'));
  const out = join(dir, 'alloc.heapprofile');
  const preload = resolve('bench/alloc-sampling.mjs');
  process.env.BENCH_ALLOC_PROFILE = out;
  try {
    const gw = await startBenchGateway(stub.port, BENCH_REAL_CREDS, ['--import', preload]);
    try {
      const { r } = await taskSmallCall(gw, 'bench-allocations');
      // Warm: first-use decoding and JIT compilation are not what a call costs.
      await load(r, 3000, 32);
      process.kill(gw.proc.pid!, 'SIGUSR2');
      await until('"alloc-sampling started" line', () => gw.stderr().includes('alloc-sampling started'));
      await load(r, calls, 32);
    } finally {
      await gw.dispose();
    }
    await until('profile written at exit', () => {
      try {
        return readFileSync(out).length > 0;
      } catch {
        return false;
      }
    });
    const head = (JSON.parse(readFileSync(out, 'utf8')) as { head: HeapNode }).head;
    const measured = callsSent(calls);
    const profile = heapAsProfile(head);
    const share = splitProfile(profile);
    // Every node that allocated is one sample weighted by its bytes: together, all of them.
    const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
    const bytesPerCall: Record<string, number> = {};
    for (const [k, v] of Object.entries(share))
      if (k !== 'gc') bytesPerCall[k] = Math.round(v * (total / measured));
    return {
      calls: measured,
      bytesPerCall: Math.round(total / measured),
      byStage: bytesPerCall,
      topSites: topSites(head, measured, 12),
      note: 'bytes allocated per call (sampled every 2 KiB, collected objects included), by the innermost stage on the allocating stack as in the CPU split; node-http = Node HTTP outside the stages',
    };
  } finally {
    delete process.env.BENCH_ALLOC_PROFILE;
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
