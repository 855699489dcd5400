import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(flag: string | undefined): string {
  return resolve(flag ?? process.env.AIRLOCK_DATA_DIR ?? join(homedir(), '.airlock'));
}
