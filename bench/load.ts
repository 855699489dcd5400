import http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly concurrency: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface PreparedRequest {
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** One request on `agent`; its latency in ms. */
export function once(agent: http.Agent, r: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port: r.port, method: r.method, path: r.path, headers: r.headers, agent },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/** The calls `load(r, total, …)` sends in all: the measured ones and its warm-up before them. */
export function callsSent(total: number): number {
  return total + Math.min(200, total);
}

/** Fires `total` copies of one request with `concurrency` workers on kept-alive connections. */
export async function load(r: PreparedRequest, total: number, concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  for (let i = total; i < callsSent(total); i++) await once(agent, r); // warm-up
  const lat: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        lat.push(await once(agent, r));
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return {
    requests: total,
    concurrency,
    rps: Math.round(total / secs),
    p50Ms: +percentile(lat, 50).toFixed(3),
    p99Ms: +percentile(lat, 99).toFixed(3),
  };
}
