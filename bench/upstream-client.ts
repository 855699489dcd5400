// `npm run bench -- upstream-client`: the gateway's upstream leg alone. CPU per call of the client
// process for node:http with the keep-alive agent the gateway uses (upstream/forward.ts) against
// undici's Pool, on the same stub and the same small JSON call, alternated round by round so a
// shared machine's slow minutes fall on both. Decides whether swapping the client is worth it.
import http from 'node:http';
import { Pool } from 'undici';
import { spawnBenchServer } from './bench-servers';
import { median } from './load';
import { SMALL_CALL_BODY as BODY, SMALL_CALL_HEADERS } from './signed-request';

/** Header set the size of a re-signed DynamoDB call. */
function headersFor(port: number): Record<string, string> {
  return {
    host: `127.0.0.1:${port}`,
    ...SMALL_CALL_HEADERS,
    'x-amz-date': '20261206T000000Z',
    'x-amz-content-sha256': 'b'.repeat(64),
    authorization: `AWS4-HMAC-SHA256 Credential=AKIABENCHBENCHBENCH0/20261206/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'a'.repeat(64)}`,
    'content-length': String(BODY.length),
  };
}

type Client = () => Promise<number>;

function nodeHttpClient(port: number): { call: Client; close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = headersFor(port);
  const call: Client = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent },
        (res) => {
          // Bodies are collected, as the gateway collects an answer it must mask.
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).length));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(BODY);
    });
  return { call, close: () => agent.destroy() };
}

function undiciClient(port: number): { call: Client; close: () => Promise<void> } {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 256 });
  const headers = headersFor(port);
  const call: Client = async () => {
    const res = await pool.request({ method: 'POST', path: '/', headers, body: BODY });
    return (await res.body.arrayBuffer()).byteLength;
  };
  return { call, close: () => pool.close() };
}

interface Round {
  readonly cpuUsPerCall: number;
  readonly rps: number;
}

async function round(call: Client, calls: number, concurrency: number): Promise<Round> {
  let left = calls;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) bytes += await call();
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (bytes === 0) throw new Error('the stub answered with empty bodies');
  return {
    cpuUsPerCall: Math.round(((cpu.user + cpu.system) / calls) * 10) / 10,
    rps: Math.round(calls / seconds),
  };
}

export async function benchUpstreamClient(calls = 40_000, rounds = 5) {
  const { info, proc } = await spawnBenchServer<{ port: number }>('bench/stub-upstream.ts');
  const node = nodeHttpClient(info.port);
  const undici = undiciClient(info.port);
  try {
    const out: Record<string, { nodeHttp: Round[]; undiciPool: Round[] }> = {};
    for (const concurrency of [32, 1]) {
      const n = concurrency === 1 ? calls / 8 : calls;
      // Warm-up: both JIT-compiled before anything is counted.
      await round(node.call, 5000, concurrency);
      await round(undici.call, 5000, concurrency);
      const nodeHttp: Round[] = [];
      const undiciPool: Round[] = [];
      for (let i = 0; i < rounds; i++) {
        nodeHttp.push(await round(node.call, n, concurrency));
        undiciPool.push(await round(undici.call, n, concurrency));
      }
      out[`c${concurrency}`] = { nodeHttp, undiciPool };
    }
    const ratio = (c: string): number => {
      const r = out[c]!;
      const u = median(r.undiciPool.map((x) => x.cpuUsPerCall));
      return Math.round((u / median(r.nodeHttp.map((x) => x.cpuUsPerCall))) * 100) / 100;
    };
    return {
      ...out,
      undiciCpuVsNodeHttp: { c32: ratio('c32'), c1: ratio('c1') },
      note: 'client-process CPU per call (user + system) for the same call to the bench stub; median ratio over alternated rounds',
    };
  } finally {
    node.close();
    await undici.close();
    proc.kill('SIGTERM');
  }
}
