import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from '../storage/durable-file';

/**
 * Where `airlock login` keeps the refresh token when there is no editor keychain: one file in
 * the data dir, mode 0600 from creation, holding only the token and whom it is for. The gateway
 * reads it at start and on `airlock login`, and writes the IdP's rotated tokens back.
 */
export const REFRESH_TOKEN_FILE = 'oidc-refresh-token.json';

export interface StoredRefreshToken {
  readonly issuer: string;
  readonly clientId: string;
  readonly refreshToken: string;
}

export function refreshTokenPath(dataDir: string): string {
  return join(dataDir, REFRESH_TOKEN_FILE);
}

export async function readRefreshToken(dataDir: string): Promise<StoredRefreshToken | undefined> {
  let text: string;
  try {
    text = await readFile(refreshTokenPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const v = JSON.parse(text) as Partial<StoredRefreshToken>;
    if (typeof v.issuer === 'string' && typeof v.clientId === 'string' && typeof v.refreshToken === 'string')
      return { issuer: v.issuer, clientId: v.clientId, refreshToken: v.refreshToken };
  } catch {
    // fall through: an unreadable file is a signed-out state, not a crash
  }
  return undefined;
}

export async function writeRefreshToken(dataDir: string, t: StoredRefreshToken): Promise<void> {
  await writeFileDurable(refreshTokenPath(dataDir), JSON.stringify(t), { mode: 0o600 });
}

export async function removeRefreshToken(dataDir: string): Promise<void> {
  await rm(refreshTokenPath(dataDir), { force: true });
}
