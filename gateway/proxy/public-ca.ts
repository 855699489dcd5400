/**
 * Where agents find the proxy CA certificate (AWS_CA_BUNDLE): a copy outside the data dir, so
 * nothing in a task's environment leads an agent to the directory that holds the master key, the
 * control token and the CA key. Rewritten at every start from the data dir's certificate.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** The per-user folder holding the public copies (one per data dir). */
export function publicCaDir(env: NodeJS.ProcessEnv = process.env): string {
  // XDG_RUNTIME_DIR is per user and 0700 by spec; elsewhere a per-user folder in the temp dir.
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && runtime.startsWith('/')) return join(runtime, 'airlock');
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return join(tmpdir(), `airlock-${uid}`);
}

/** The public copy's path for a data dir: stable across restarts, distinct per data dir. */
export function publicCaFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const tag = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(publicCaDir(env), `${tag}-ca.pem`);
}

/**
 * A folder only this user can write to: in a shared temp dir another user could have created it
 * first (or as a symlink) to swap in a CA of their own, which every task would then trust.
 */
async function ownedFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (uid !== undefined && st.mode & 0o022))
    throw new Error(
      `${dir} is not a folder only this user can write to; remove it (or set XDG_RUNTIME_DIR) and restart the gateway`,
    );
}

/** Writes the CA certificate to its public path (world-readable, written whole) and returns the path. */
export async function publishCaCert(
  dataDir: string,
  certPem: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = publicCaFile(dataDir, env);
  const rel = relative(resolve(dataDir), resolve(file));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new Error('the public CA certificate must live outside the data dir');
  await ownedFolder(publicCaDir(env));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(certPem);
      await fh.chmod(0o644);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Renamed into place: a client reading AWS_CA_BUNDLE never sees half a file.
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return file;
}
