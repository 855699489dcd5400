// `npm run bench`: prints one JSON document of side-by-side measurements (never asserted in tests).
import { readFileSync } from 'node:fs';
import { startTask } from '../test/support/gateway-process';
import { spawnBenchServer, startBenchGateway } from './bench-servers';
import { decisionBench } from './decision';
import { measureFloors } from './floors';
import { load, type LoadResult } from './load';
import { benchProxy } from './proxy';
import { freshGatewayTransfer, measureTransfer } from './s3-transfer';
import { signed } from './signed-request';
import { recordingBench } from './recording';
import { reviewBench } from './review';
import { benchWebview } from './webview';

/** CPU time (user + system, all threads) a process has used so far, in ms; /proc counts 10 ms ticks. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Gateway CPU per call: steadier than requests/s on a shared machine, where other processes take
 * the cores and throughput swings by 2x from run to run.
 */
async function withGatewayCpu(
  pid: number,
  calls: number,
  run: () => Promise<LoadResult>,
): Promise<LoadResult & { gatewayCpuUsPerCall: number }> {
  const before = cpuMs(pid);
  const result = await run();
  return { ...result, gatewayCpuUsPerCall: Math.round(((cpuMs(pid) - before) * 1000) / calls) };
}

/** `npm run bench -- gateway` (or any of the part names) runs only those parts; none: all. */
const parts = process.argv.slice(2);
const wanted = (part: string): boolean => parts.length === 0 || parts.includes(part);

async function main(): Promise<void> {
  // CPU-only, before any server runs: policy + scope decision time next to iam-simulate.
  const decision = wanted('decision') ? await decisionBench() : undefined;
  // CPU and disk only: export and verify of a 100,000-event task, bundle size, index build.
  const recording = wanted('recording') ? await recordingBench() : undefined;
  // CPU and disk only: review, policy suggestion and what-if over a 100,000-call task.
  const review = wanted('review') ? await reviewBench() : undefined;
  // The timeline in headless Chromium, also before the gateway runs (both cores free).
  const webview = wanted('webview') ? await benchWebview() : undefined;
  const gateway = wanted('gateway') ? await benchGateway() : undefined;
  const machine = { node: process.version, cpus: (await import('node:os')).cpus().length };
  process.stdout.write(
    JSON.stringify({ gateway, decision, recording, review, webview, machine }, null, 2) + '\n',
  );
}

/** Small JSON calls direct vs through the gateway (c1, c32), proxy mode, and a 1 GiB PUT/GET. */
async function benchGateway(): Promise<unknown> {
  const n1 = Number(process.env.BENCH_N1 ?? 3000);
  const n32 = Number(process.env.BENCH_N32 ?? 20000);
  const big = Number(process.env.BENCH_BIG_BYTES ?? 1024 * 1024 * 1024);
  const { info: stub, proc: stubProc } = await spawnBenchServer('bench/stub-upstream.ts');
  const realCreds = { accessKeyId: 'AKIABENCHBENCHBENCH0', secretAccessKey: 'b'.repeat(40) };
  const gw = await startBenchGateway(stub.port, realCreds);
  try {
    const task = await startTask(gw, ['--name', 'bench']);
    const taskCreds = {
      accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
    };
    const body = Buffer.from(JSON.stringify({ TableName: 'orders', Key: { id: { S: 'o-1' } } }));
    const hdrs = {
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      'content-type': 'application/x-amz-json-1.0',
    };
    const direct = await signed(stub.port, realCreds, 'dynamodb', 'POST', '/', hdrs, body);
    const viaGw = await signed(gw.port, taskCreds, 'dynamodb', 'POST', '/', hdrs, body);

    const d1 = await load(direct, n1, 1);
    const g1 = await withGatewayCpu(gw.proc.pid!, n1 + Math.min(200, n1), () => load(viaGw, n1, 1));
    const d32 = await load(direct, n32, 32);
    const g32 = await withGatewayCpu(gw.proc.pid!, n32 + Math.min(200, n32), () => load(viaGw, n32, 32));
    const floors = await measureFloors({
      stubPort: stub.port,
      direct: { c1: d1, c32: d32 },
      request: (port) => ({ ...direct, port }),
      n1,
      n32,
      dataDir: gw.dataDir,
    });
    const px = await benchProxy({
      gatewayPort: gw.port,
      stubPort: stub.port,
      dataDir: gw.dataDir,
      taskCreds,
      n: n1,
    });

    // After the load tests, as a gateway that has been working; then on a freshly started one.
    const afterLoad = await measureTransfer(gw.port, gw.proc.pid!, taskCreds, big);
    const fresh = await freshGatewayTransfer(stub.port, realCreds, big);
    const peak = afterLoad.peakRssMb;

    const addedP50 = +(g1.p50Ms - d1.p50Ms).toFixed(3);
    const ratio32 = +(g32.rps / d32.rps).toFixed(3);
    return {
      smallJsonCall: {
        direct: { c1: d1, c32: d32 },
        viaGateway: { c1: g1, c32: g32 },
        addedP50MsAtC1: addedP50,
        addedP99MsAtC1: +(g1.p99Ms - d1.p99Ms).toFixed(3),
        throughputRatioAtC32: ratio32,
      },
      // The same call through a plain Node proxy, and the disk's fdatasync: what is reachable here.
      floors,
      // The same call in proxy mode (CONNECT + TLS terminated with a minted leaf), one kept-alive
      // connection, against the client talking TLS straight to its server.
      proxyMode: px,
      s3Transfer: {
        bytes: big,
        putMBps: afterLoad.putMBps,
        getMBps: afterLoad.getMBps,
        peakRssMbDuringLoadTests: afterLoad.peakRssMbBefore,
        peakRssMb: peak,
        // The same transfer through a gateway that served nothing before: the stream's own cost.
        freshGateway: { putMBps: fresh.putMBps, getMBps: fresh.getMBps, peakRssMb: fresh.peakRssMb },
      },
      targets: {
        addedP50MsAtC1: { target: '<= 0.5', met: addedP50 <= 0.5 },
        throughputRatioAtC32: { target: '>= 0.4', met: ratio32 >= 0.4 },
        proxyAddedVsEndpointAdded: { target: '<= 1.5', met: px.proxyVsEndpoint <= 1.5 },
        peakRssMb: { target: '<= 150', met: peak <= 150 },
      },
    };
  } finally {
    await gw.dispose();
    stubProc.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
