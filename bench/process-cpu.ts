// CPU per call of a server process under a load run: steadier than requests/s on a shared machine,
// where other processes take the cores and throughput swings by 2x from run to run.
import { readFileSync } from 'node:fs';
import { callsSent, load, type LoadResult, type PreparedRequest } from './load';

/** CPU time (user + system, all threads) a process has used so far, in ms; /proc counts 10 ms ticks. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `load(r, total, concurrency)` against the server process `pid`, with the CPU it used per call sent. */
export async function loadWithServerCpu(
  pid: number,
  r: PreparedRequest,
  total: number,
  concurrency: number,
): Promise<LoadResult & { serverCpuUsPerCall: number }> {
  const before = cpuMs(pid);
  const result = await load(r, total, concurrency);
  return { ...result, serverCpuUsPerCall: Math.round(((cpuMs(pid) - before) * 1000) / callsSent(total)) };
}
