import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';
import { AIRLOCK_BIN, isolatedEnv, runNode } from '../support/gateway-process';

/**
 * A gateway process started as the extension would (with the runtime flags, so `proc` is the
 * gateway itself and a SIGKILL reaches it), with extra environment (test-only switches).
 */
export interface RawGateway {
  readonly port: number;
  readonly proc: ChildProcess;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnGateway(o: {
  dataDir: string;
  upstream: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  env?: Record<string, string>;
  args?: string[];
}): Promise<RawGateway> {
  const args = [
    ...GATEWAY_NODE_FLAGS,
    AIRLOCK_BIN,
    'gateway',
    '--data-dir',
    o.dataDir,
    '--port',
    '0',
    '--upstream',
    o.upstream,
    ...(o.args ?? []),
  ];
  const env = isolatedEnv({
    AWS_ACCESS_KEY_ID: o.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: o.credentials.secretAccessKey,
    ...o.env,
  });
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready:\n${err}`)), 20_000);
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}):\n${err}`));
    });
  });
  return {
    port,
    proc,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill(signal);
      await exited;
    },
  };
}

export async function cli(
  dataDir: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runNode([AIRLOCK_BIN, ...args, '--data-dir', dataDir], isolatedEnv());
}

export async function startTaskIn(
  dataDir: string,
  name: string,
): Promise<{ taskId: string; env: Record<string, string> }> {
  const r = await cli(dataDir, ['task', 'start', '--json', '--name', name]);
  if (r.code !== 0) throw new Error(`task start failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { taskId: string; env: Record<string, string> };
}

export interface CallOutcome {
  readonly status: number;
  /** The whole response arrived (headers, every body byte, the end). */
  readonly complete: boolean;
  readonly requestId?: string;
  readonly body: string;
  /** The body's bytes as received (still content-encoded). */
  readonly raw: Buffer;
}

/** Signs like an SDK and sends; never rejects, so calls cut by a crash are counted, not thrown. */
export async function signedCall(o: {
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  service: string;
  headers: Record<string, string>;
  body: string;
  method?: string;
  path?: string;
  agent?: http.Agent;
}): Promise<CallOutcome> {
  const method = o.method ?? 'POST';
  const path = o.path ?? '/';
  const signer = new SignatureV4({
    service: o.service,
    region: 'us-east-1',
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: o.port,
      path,
      headers: { host: `127.0.0.1:${o.port}`, ...o.headers },
      body: method === 'GET' || method === 'HEAD' ? undefined : o.body,
    }),
  );
  return new Promise<CallOutcome>((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port: o.port, method, path, headers: signed.headers, agent: o.agent },
      (res) => {
        const chunks: Buffer[] = [];
        const rid = res.headers['x-amzn-requestid'] ?? res.headers['x-amz-request-id'];
        const done = (complete: boolean): void => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            complete,
            requestId: typeof rid === 'string' ? rid : undefined,
            body: raw.toString('utf8'),
            raw,
          });
        };
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => done(res.complete));
        res.on('error', () => done(false));
        res.on('aborted', () => done(false));
      },
    );
    req.on('error', () => resolve({ status: 0, complete: false, body: '', raw: Buffer.alloc(0) }));
    req.end(method === 'GET' || method === 'HEAD' ? undefined : o.body);
  });
}

export const GET_CALLER_IDENTITY = {
  service: 'sts',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
};

export function getSecretValue(secretId: string): {
  service: string;
  headers: Record<string, string>;
  body: string;
} {
  return {
    service: 'secretsmanager',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body: JSON.stringify({ SecretId: secretId }),
  };
}
