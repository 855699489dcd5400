// The peers a user could put in front of the AWS CLI instead, run in front of the same stub with
// the same signed requests: nginx as a plain reverse proxy (`nginx-light`) and mitmdump, the
// recording proxy (`mitmproxy`), both from Debian. Skipped, and said so, when not installed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, type LoadResult, type PreparedRequest } from './load';

export type PeerResult =
  | {
      readonly c1: LoadResult;
      readonly c32: LoadResult;
      readonly addedP50MsAtC1: number;
      readonly version: string;
    }
  | { readonly skipped: string };

function which(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not listening on ${port} after ${ms} ms`);
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  return exited;
}

async function measure(
  proc: ChildProcess,
  port: number,
  o: PeerOptions,
  version: string,
  n32: number,
): Promise<PeerResult> {
  try {
    await waitForPort(port, proc);
    const r = o.request(port);
    // Its own direct baseline, taken just before (see floors.ts).
    const direct1 = await load(o.request(o.stubPort), o.n1, 1);
    const c1 = await load(r, o.n1, 1);
    const c32 = await load(r, n32, 32);
    return { c1, c32, addedP50MsAtC1: +(c1.p50Ms - direct1.p50Ms).toFixed(3), version };
  } finally {
    await stop(proc);
  }
}

export interface PeerOptions {
  readonly stubPort: number;
  readonly request: (port: number) => PreparedRequest;
  readonly n1: number;
  readonly n32: number;
}

/** nginx as a reverse proxy with kept-alive upstream connections, one worker (the gateway is one thread). */
export async function benchNginx(o: PeerOptions): Promise<PeerResult> {
  const bin = which('nginx');
  if (!bin) return { skipped: 'nginx is not installed (apt-get install nginx-light)' };
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream stub { server 127.0.0.1:${o.stubPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
    }
  }
}
`,
  );
  const version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim();
  const proc = spawn(bin, ['-p', dir, '-c', conf], { stdio: 'ignore' });
  try {
    return await measure(proc, port, o, version, o.n32);
  } catch (e) {
    return { skipped: `nginx did not run: ${String(e)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * mitmdump as a reverse proxy (it keeps every flow in memory as it records; -q only silences its
 * output). Fewer calls at 32 connections: it serves under a few thousand per second.
 */
export async function benchMitmdump(o: PeerOptions): Promise<PeerResult> {
  const bin = which('mitmdump');
  if (!bin) return { skipped: 'mitmdump is not installed (apt-get install mitmproxy)' };
  const port = await freePort();
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '';
  const proc = spawn(
    bin,
    [
      '-q',
      '--mode',
      `reverse:http://127.0.0.1:${o.stubPort}`,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      'keep_host_header=true',
    ],
    { stdio: 'ignore' },
  );
  try {
    return await measure(proc, port, o, version, Math.max(1000, Math.round(o.n32 / 5)));
  } catch (e) {
    return { skipped: `mitmdump did not run: ${String(e)}` };
  }
}
