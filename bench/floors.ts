// What this machine allows at best, measured in the same run as the gateway: a plain Node proxy's
// share of the small call, and the disk's write+fdatasync, of which the gateway pays one per call
// (request and decision before forwarding, issue 16), two with --sync-responses (the response too).
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { spawnBenchServer } from './bench-servers';
import { load, type LoadResult, once, percentile, type PreparedRequest } from './load';
import { loadWithServerCpu } from './process-cpu';
import { BENCH_REAL_CREDS, signedSmallCall } from './signed-request';

interface ProxyFloor<R extends LoadResult = LoadResult> {
  readonly c1: R;
  readonly c32: R;
  readonly addedP50MsAtC1: number;
  readonly throughputRatioAtC32: number;
}

interface FloorOptions {
  readonly stubPort: number;
  readonly direct: { readonly c1: LoadResult; readonly c32: LoadResult };
  readonly request: (port: number) => PreparedRequest;
  readonly n1: number;
  readonly n32: number;
  readonly dataDir: string;
}

/** A proxy's c1 and c32 against direct calls: c1 against `direct1`, its own baseline taken just before. */
function proxyFloor<R extends LoadResult>(
  c1: R,
  c32: R,
  direct1: LoadResult,
  opts: FloorOptions,
): ProxyFloor<R> {
  return {
    c1,
    c32,
    addedP50MsAtC1: +(c1.p50Ms - direct1.p50Ms).toFixed(3),
    throughputRatioAtC32: +(c32.rps / opts.direct.c32.rps).toFixed(3),
  };
}

export interface Floors {
  readonly bareNodeProxy: ProxyFloor;
  /**
   * bench/checkpoint-proxy.ts: the plain proxy plus only what the invariants cost (SigV4 verify,
   * the request durable in a hash chain before forwarding, re-sign, the answer recorded). Not a
   * target's floor: it shows how much of the gateway's cost is the invariants and how much its
   * API awareness, and how close to the plain proxy any checkpoint gets on this machine.
   */
  readonly checkpointProxy: ProxyFloor<LoadResult & { readonly serverCpuUsPerCall: number }> & {
    readonly throughputVsBareProxyAtC32: number;
  };
  /**
   * p50 of appending one 600-byte journal line and fdatasync-ing it, in the gateway's data dir,
   * each sync after one call through the plain proxy: spaced as a call at one connection spaces them.
   */
  readonly appendFdatasyncP50Ms: number;
  /**
   * The same, each line written over space filled ahead of it, as the gateway's journal writes
   * (gateway/journal/fill-ahead.ts: no size change for the sync to commit). What the gateway pays;
   * the floor keeps the plain append the issue defines.
   */
  readonly filledFdatasyncP50Ms: number;
  /**
   * The same syncs back to back. On this VM's disk they are several times faster than spaced ones
   * (0.05 ms against 0.2-1 ms), a speed no call at one connection sees: shown, not judged on.
   */
  readonly backToBackFdatasyncP50Ms: number;
  /** Bare proxy added p50 + one fdatasync: the least a durable gateway can add at c1 here. */
  readonly durableGatewayFloorMsAtC1: number;
  /** The same with two fdatasyncs per call (--sync-responses). */
  readonly syncResponsesFloorMsAtC1: number;
}

/**
 * Journal-line writes + fdatasyncs in `dir`, each after `between()` has run; their p50. `filled`:
 * over space filled with newlines (and synced) beforehand, else appended.
 */
async function fdatasyncP50Ms(
  dir: string,
  between: () => Promise<unknown>,
  filled = false,
  n = 500,
): Promise<number> {
  const file = join(dir, 'bench-fdatasync.tmp');
  const fd = openSync(file, filled ? 'w' : 'a');
  const line = Buffer.from(`${'x'.repeat(599)}\n`);
  const lat: number[] = [];
  try {
    if (filled) {
      writeSync(fd, Buffer.alloc(n * line.length, 0x0a), 0, n * line.length, 0);
      fdatasyncSync(fd);
    }
    for (let i = 0; i < n; i++) {
      await between();
      const t0 = process.hrtime.bigint();
      writeSync(fd, line, 0, line.length, filled ? i * line.length : null);
      fdatasyncSync(fd);
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  lat.sort((a, b) => a - b);
  return +percentile(lat, 50).toFixed(3);
}

/**
 * The bare proxy against the same direct results the gateway is compared with, so the two ratios
 * share a denominator.
 */
export async function measureFloors(opts: FloorOptions): Promise<Floors> {
  const { info, proc } = await spawnBenchServer('bench/bare-proxy.ts', [String(opts.stubPort)]);
  try {
    const port = info.port;
    // Its own direct baseline, taken just before: on a shared machine the direct p50 drifts
    // between the start of a run and its end by more than a proxy adds.
    const direct1 = await load(opts.request(opts.stubPort), opts.n1, 1);
    const c1 = await load(opts.request(port), opts.n1, 1);
    const c32 = await load(opts.request(port), opts.n32, 32);
    const bare = proxyFloor(c1, c32, direct1, opts);
    const added = bare.addedP50MsAtC1;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sync = await fdatasyncP50Ms(opts.dataDir, () => once(agent, opts.request(port)));
    const filledSync = await fdatasyncP50Ms(opts.dataDir, () => once(agent, opts.request(port)), true);
    agent.destroy();
    const backToBack = await fdatasyncP50Ms(opts.dataDir, () => Promise.resolve());
    const checkpoint = await checkpointFloor(opts);
    return {
      bareNodeProxy: bare,
      checkpointProxy: {
        ...checkpoint,
        throughputVsBareProxyAtC32: +(checkpoint.c32.rps / c32.rps).toFixed(3),
      },
      appendFdatasyncP50Ms: sync,
      filledFdatasyncP50Ms: filledSync,
      backToBackFdatasyncP50Ms: backToBack,
      durableGatewayFloorMsAtC1: +(added + sync).toFixed(3),
      syncResponsesFloorMsAtC1: +(added + 2 * sync).toFixed(3),
    };
  } finally {
    proc.kill('SIGTERM');
  }
}

/** The checkpoint floor, warmed up as the gateway is (its c1 paid for JIT compilation otherwise). */
async function checkpointFloor(
  opts: FloorOptions,
): Promise<ProxyFloor<LoadResult & { readonly serverCpuUsPerCall: number }>> {
  const agentCreds = { accessKeyId: 'AKIACHECKPOINTFLOOR0', secretAccessKey: 'c'.repeat(40) };
  const real = BENCH_REAL_CREDS;
  const { info, proc } = await spawnBenchServer('bench/checkpoint-proxy.ts', [
    String(opts.stubPort),
    opts.dataDir,
    agentCreds.accessKeyId,
    agentCreds.secretAccessKey,
    real.accessKeyId,
    real.secretAccessKey,
  ]);
  try {
    const r = await signedSmallCall(info.port, agentCreds);
    await load(r, Math.min(opts.n32, 2000), 32);
    const direct1 = await load(opts.request(opts.stubPort), opts.n1, 1);
    const c1 = await loadWithServerCpu(proc.pid!, r, opts.n1, 1);
    const c32 = await loadWithServerCpu(proc.pid!, r, opts.n32, 32);
    return proxyFloor(c1, c32, direct1, opts);
  } finally {
    proc.kill('SIGTERM');
    rmSync(join(opts.dataDir, 'checkpoint-floor.jsonl'), { force: true });
  }
}
