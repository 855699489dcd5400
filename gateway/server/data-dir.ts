import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayInfo } from '../protocol';
import { MASTER_KEY_BYTES } from '../tasks/task-keys';
import { DataDirFileError } from '../storage/data-dir-error';
import { removeStaleTempFiles, writeFileDurable } from '../storage/durable-file';

export interface DataDirSecrets {
  /** Derives every task's secret; never leaves the data dir. */
  readonly masterKey: Buffer;
  /** Bearer token of the control API. */
  readonly controlToken: string;
}

export const CONTROL_TOKEN_FILE = 'control-token';
export const GATEWAY_INFO_FILE = 'gateway.json';
export const MASTER_KEY_FILE = 'master.key';

/** 32 random bytes, base64url: what the gateway writes. Anything shorter is not a token we made. */
const CONTROL_TOKEN = /^[A-Za-z0-9_-]{43}$/;

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

/**
 * Reads a secret file, creating it durably (0600 from creation, exclusive: a racing creator's file
 * wins) on first start. An existing file is never replaced: a wrong one stops the start instead.
 */
async function readOrCreate(path: string, make: () => Buffer): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await writeFileDurable(path, make(), { exclusive: true });
  await chmod(path, 0o600);
  return readFile(path);
}

/**
 * The master key must be exactly 32 bytes: every task secret is HMAC(master key, key id), so an
 * empty or short key (a crash left it 0 bytes, a hand repair) would make them guessable.
 */
export function checkMasterKey(file: string, key: Buffer): Buffer {
  if (key.length !== MASTER_KEY_BYTES)
    throw new DataDirFileError(
      'KeyFileInvalid',
      file,
      `is ${key.length} bytes; a master key is ${MASTER_KEY_BYTES} random bytes, so the gateway will not derive task keys from it`,
      `Restore it from a backup if you have one; otherwise move it aside (the gateway then creates a new key at start, and task keys issued so far stop working: end those tasks and start new ones).`,
    );
  return key;
}

function checkControlToken(file: string, raw: Buffer): string {
  const token = raw.toString('utf8').trim();
  if (!CONTROL_TOKEN.test(token))
    throw new DataDirFileError(
      'KeyFileInvalid',
      file,
      `does not hold a control token (${raw.length} bytes; expected 43 base64url characters)`,
      'Delete it: the gateway creates a new one at start, and the CLI and the editor read it from there.',
    );
  return token;
}

export async function prepareDataDir(dataDir: string): Promise<DataDirSecrets> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await removeStaleTempFiles(dataDir);
  const keyFile = join(dataDir, MASTER_KEY_FILE);
  const masterKey = checkMasterKey(keyFile, await readOrCreate(keyFile, () => randomBytes(MASTER_KEY_BYTES)));
  const tokenFile = join(dataDir, CONTROL_TOKEN_FILE);
  const token = await readOrCreate(tokenFile, () => Buffer.from(randomBytes(32).toString('base64url')));
  return { masterKey, controlToken: checkControlToken(tokenFile, token) };
}
