// Proxy mode in `npm run bench`: the small DynamoDB-style call over one kept-alive TLS connection
// through the gateway's CONNECT front, against the same call sent straight to a TLS server.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TunnelAgent } from '../gateway/upstream/tunnel-agent';
import { spawnBenchServer } from './bench-servers';

const HOST = 'dynamodb.us-east-1.amazonaws.com';

export interface C1Result {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface ProxyBenchResult {
  /** Measured round-robin, one request of each kind in turn, so machine load hits all alike. */
  readonly interleavedC1: {
    readonly directHttp: C1Result;
    readonly viaEndpoint: C1Result;
    readonly directTls: C1Result;
    readonly viaProxy: C1Result;
  };
  /** Endpoint mode: p50 through the gateway minus p50 straight to the plain stub. */
  readonly endpointAddedP50Ms: number;
  /** Proxy mode: p50 through CONNECT + intercepted TLS minus p50 of TLS straight to a stub. */
  readonly proxyAddedP50Ms: number;
  /** proxyAddedP50Ms / endpointAddedP50Ms (target <= 1.5). */
  readonly proxyVsEndpoint: number;
}

type Creds = { accessKeyId: string; secretAccessKey: string };

async function sign(
  creds: Creds,
  host: string,
  protocol: 'http:' | 'https:',
  body: Buffer,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: 'dynamodb',
    region: 'us-east-1',
    credentials: creds,
    sha256: Hash.bind(null, 'sha256'),
  });
  const req = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol,
      hostname: host.split(':')[0] ?? host,
      path: '/',
      headers: {
        host,
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        'content-type': 'application/x-amz-json-1.0',
      },
      body,
    }),
  );
  return req.headers;
}

type Send = () => Promise<number>;

function sender(
  lib: typeof http | typeof https,
  agent: http.Agent,
  opts: https.RequestOptions,
  body: Buffer,
): Send {
  return () =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = lib.request({ ...opts, agent, method: 'POST', path: '/' }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
      });
      req.on('error', reject);
      req.end(body);
    });
}

function summary(lat: number[]): C1Result {
  lat.sort((a, b) => a - b);
  const pct = (p: number): number =>
    +(lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN).toFixed(3);
  return { requests: lat.length, p50Ms: pct(50), p99Ms: pct(99) };
}

/**
 * Proxy mode against endpoint mode, each against its own direct baseline, on one kept-alive
 * connection per kind. The gateway forwards to the plain bench stub (`--upstream`).
 */
export async function benchProxy(input: {
  readonly gatewayPort: number;
  readonly stubPort: number;
  readonly dataDir: string;
  readonly taskCreds: Creds;
  readonly n: number;
}): Promise<ProxyBenchResult> {
  const body = Buffer.from(JSON.stringify({ TableName: 'orders', Key: { id: { S: 'o-1' } } }));
  const { info: tlsStub, proc: stub } = await spawnBenchServer<{ port: number; caPem: string }>(
    'bench/tls-stub-upstream.ts',
  );
  const agents: http.Agent[] = [];
  const keep = <A extends http.Agent>(a: A): A => (agents.push(a), a);
  try {
    const gatewayCa = await readFile(join(input.dataDir, 'ca.pem'), 'utf8');
    const awsHeaders = await sign(input.taskCreds, HOST, 'https:', body);
    const gwHost = `127.0.0.1:${input.gatewayPort}`;
    const kinds: Record<keyof ProxyBenchResult['interleavedC1'], Send> = {
      directHttp: sender(
        http,
        keep(new http.Agent({ keepAlive: true, maxSockets: 1 })),
        { host: '127.0.0.1', port: input.stubPort, headers: awsHeaders },
        body,
      ),
      viaEndpoint: sender(
        http,
        keep(new http.Agent({ keepAlive: true, maxSockets: 1 })),
        {
          host: '127.0.0.1',
          port: input.gatewayPort,
          headers: await sign(input.taskCreds, gwHost, 'http:', body),
        },
        body,
      ),
      directTls: sender(
        https,
        keep(new https.Agent({ keepAlive: true, maxSockets: 1 })),
        { host: '127.0.0.1', port: tlsStub.port, servername: HOST, ca: tlsStub.caPem, headers: awsHeaders },
        body,
      ),
      viaProxy: sender(
        https,
        keep(new TunnelAgent(new URL(`http://${gwHost}`))),
        { host: HOST, port: 443, ca: gatewayCa, headers: awsHeaders },
        body,
      ),
    };
    const names = Object.keys(kinds) as Array<keyof typeof kinds>;
    const lat = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<
      keyof typeof kinds,
      number[]
    >;
    for (let i = 0; i < 200; i++) for (const k of names) await kinds[k](); // warm-up (and the one handshake each)
    for (let i = 0; i < input.n; i++) for (const k of names) lat[k].push(await kinds[k]());
    const r = {
      directHttp: summary(lat.directHttp),
      viaEndpoint: summary(lat.viaEndpoint),
      directTls: summary(lat.directTls),
      viaProxy: summary(lat.viaProxy),
    };
    const endpointAdded = +(r.viaEndpoint.p50Ms - r.directHttp.p50Ms).toFixed(3);
    const proxyAdded = +(r.viaProxy.p50Ms - r.directTls.p50Ms).toFixed(3);
    return {
      interleavedC1: r,
      endpointAddedP50Ms: endpointAdded,
      proxyAddedP50Ms: proxyAdded,
      proxyVsEndpoint: +(proxyAdded / endpointAdded).toFixed(2),
    };
  } finally {
    for (const a of agents) a.destroy();
    stub.kill('SIGTERM');
  }
}
