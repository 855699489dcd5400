import { randomBytes } from 'node:crypto';
import { link, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface DurableWriteOptions {
  /** The file's mode, set on the temp file when it is created (default 0600: keys and state). */
  readonly mode?: number;
  /**
   * Create only: if the file already exists it is left alone and `exists` is returned (another
   * process won the race to create it; the caller reads theirs).
   */
  readonly exclusive?: boolean;
}

/** Temp files this helper creates: `<name>.tmp-<pid>-<random>`, in the target's directory. */
const TEMP = /\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * fsync of a directory makes a rename or link in it durable. Windows cannot open a directory for
 * that (and NTFS journals the rename itself), so there it is skipped.
 */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes a key or state file so that a crash at any moment leaves either the old file or the new
 * one, whole, never an empty or partial one: the bytes go to a temp file in the same directory
 * (created with its final mode, so a key is never readable by others even for a moment), are
 * fsynced, then renamed over the target (or hard-linked, for an exclusive create: link fails if
 * the target exists, where rename would replace it), and the directory is fsynced so the new
 * name survives a power cut too. Every key and state file of the data dir goes through here.
 */
export async function writeFileDurable(
  path: string,
  data: string | Uint8Array,
  opts: DurableWriteOptions = {},
): Promise<'written' | 'exists'> {
  const mode = opts.mode ?? 0o600;
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  let placed = false;
  try {
    try {
      // The umask may have taken bits away at creation; the mode asked for is the mode kept.
      await fh.chmod(mode);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.exclusive) {
      try {
        await link(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
        throw e;
      }
    } else {
      await rename(tmp, path);
      placed = true;
    }
    await syncDir(dirname(path));
    return 'written';
  } finally {
    if (!placed) await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Removes temp files a crash left behind in `dir` (older than `olderThanMs`, so a write in progress
 * by another process is never touched). Best effort: they are only clutter.
 */
export async function removeStaleTempFiles(
  dir: string,
  olderThanMs = 60_000,
  now = Date.now(),
): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!TEMP.test(name)) continue;
    const file = join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (st?.isFile() && now - st.mtimeMs > olderThanMs) await unlink(file).catch(() => undefined);
  }
}
