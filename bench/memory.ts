// The gateway's memory: RSS once it has started and served its first call, and how RSS moves over
// many calls (a leak shows as a slope once the heap has warmed up).
import { readFileSync } from 'node:fs';
import { startBenchGateway } from './bench-servers';
import { callsSent, load, type PreparedRequest } from './load';
import { taskSmallCall } from './signed-request';

function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
}

/** A fresh gateway, one task, one small call: its RSS now and its peak so far. */
export async function firstCallRss(
  stubPort: number,
  realCreds: { accessKeyId: string; secretAccessKey: string },
): Promise<{ rssMb: number; peakRssMb: number }> {
  const gw = await startBenchGateway(stubPort, realCreds);
  try {
    const { r } = await taskSmallCall(gw, 'bench-first-call');
    await load(r, 1, 1);
    return { rssMb: statusMb(gw.proc.pid!, 'VmRSS'), peakRssMb: statusMb(gw.proc.pid!, 'VmHWM') };
  } finally {
    await gw.dispose();
  }
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * `calls` calls at 32 connections in 20 rounds, RSS read after each; the slope is fitted over the
 * last 15 rounds (the first ones include the heap growing to its working size).
 */
export async function memorySlope(
  pid: number,
  r: PreparedRequest,
  calls: number,
): Promise<{ calls: number; rssMb: number[]; slopeMbPer100kCalls: number }> {
  const rounds = 20;
  const per = Math.max(1, Math.round(calls / rounds));
  const xs: number[] = [];
  const rss: number[] = [];
  let served = 0;
  for (let i = 1; i <= rounds; i++) {
    await load(r, per, 32);
    served += callsSent(per);
    xs.push(served);
    rss.push(statusMb(pid, 'VmRSS'));
  }
  const from = 5;
  return {
    calls: served,
    rssMb: rss,
    slopeMbPer100kCalls: +(slope(xs.slice(from), rss.slice(from)) * 100_000).toFixed(2),
  };
}
