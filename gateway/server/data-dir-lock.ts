import { createHash } from 'node:crypto';
import { mkdir, realpath, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayInfo } from '../protocol';
import { readGatewayInfo } from './data-dir';

/** A second gateway on a data dir would interleave its journal writes with the first one's. */
export class DataDirInUseError extends Error {
  readonly code = 'DataDirInUse';
  constructor(
    readonly dataDir: string,
    readonly holder: Pick<GatewayInfo, 'pid' | 'port'> | undefined,
  ) {
    super(
      `Another Airlock gateway is already running on ${dataDir}` +
        (holder ? ` (pid ${holder.pid}, port ${holder.port})` : '') +
        '. Stop it first, or give this one another --data-dir.',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

// Unix socket paths are limited to about 104 bytes (macOS) / 108 (Linux).
const MAX_SOCKET_PATH = 100;

/**
 * Where the lock listens. A listening socket rather than a pid file: the kernel frees it when the
 * holder dies, however it dies, so a recycled pid can never keep a data dir locked. On Unix it
 * lives in the data dir itself (mode 0700: no other user can take it first) when the path fits.
 */
function lockAddress(dir: string): { address: string; isFile: boolean } {
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 24);
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\airlock-${id}`, isFile: false };
  const inDir = join(dir, 'gateway.lock');
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return { address: inDir, isFile: true };
  return { address: join(tmpdir(), `airlock-${id}.lock`), isFile: true };
}

function listen(address: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // Whoever connects is told nothing; the connection only proves someone holds the lock.
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      server.unref();
      resolve(server);
    });
  });
}

/** Does a live process listen there? A socket file left by a killed gateway refuses connections. */
function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function holderInfo(dir: string): Promise<Pick<GatewayInfo, 'pid' | 'port'> | undefined> {
  const info = await readGatewayInfo(dir);
  return info && { pid: info.pid, port: info.port };
}

/** Takes the data dir for this gateway, or throws DataDirInUseError if a live gateway holds it. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const dir = await realpath(dataDir);
  const { address, isFile } = lockAddress(dir);
  let server: net.Server;
  try {
    server = await listen(address);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    if (!isFile || (await answers(address))) throw new DataDirInUseError(dataDir, await holderInfo(dir));
    await rm(address, { force: true });
    try {
      server = await listen(address);
    } catch (again) {
      // Another gateway took the stale lock between our check and our listen.
      if ((again as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new DataDirInUseError(dataDir, await holderInfo(dir));
      throw again;
    }
  }
  return {
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * When the gateway running on this data dir started, or undefined when none runs (the lock does
 * not answer). Readers use it to tell a call still in flight from one whose gateway stopped.
 */
export async function runningGatewaySince(dataDir: string): Promise<string | undefined> {
  let dir: string;
  try {
    dir = await realpath(dataDir);
  } catch {
    return undefined;
  }
  if (!(await answers(lockAddress(dir).address))) return undefined;
  return (await readGatewayInfo(dir))?.startedAt;
}
