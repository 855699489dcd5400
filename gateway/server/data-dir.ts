import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayInfo } from '../protocol';

export interface DataDirSecrets {
  /** Derives every task's secret; never leaves the data dir. */
  readonly masterKey: Buffer;
  /** Bearer token of the control API. */
  readonly controlToken: string;
}

export const CONTROL_TOKEN_FILE = 'control-token';
export const GATEWAY_INFO_FILE = 'gateway.json';

/** What the running (or last, if it was killed) gateway wrote about itself; undefined if unreadable. */
export async function readGatewayInfo(dataDir: string): Promise<GatewayInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, GATEWAY_INFO_FILE), 'utf8')) as GatewayInfo;
    return Number.isInteger(info.pid) && Number.isInteger(info.port) && typeof info.host === 'string'
      ? info
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a secret file, creating it (mode 0600, exclusive create) on first start. */
async function readOrCreate(path: string, make: () => Buffer): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    await writeFile(path, make(), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another gateway created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  await chmod(path, 0o600);
  return readFile(path);
}

export async function prepareDataDir(dataDir: string): Promise<DataDirSecrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = await readOrCreate(join(dataDir, 'master.key'), () => randomBytes(32));
  const token = await readOrCreate(join(dataDir, CONTROL_TOKEN_FILE), () =>
    Buffer.from(randomBytes(32).toString('base64url')),
  );
  return { masterKey, controlToken: token.toString('utf8').trim() };
}
