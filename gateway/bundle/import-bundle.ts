import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from '../server/durable-file';
import { BundleError } from './bundle-error';
import { verifyBundle, type VerifyResult } from './verify-bundle';

/** Imported bundles live here, read-only, one file per (task, signer). */
export const IMPORTED_DIR = 'imported';

/** The local session key of an imported bundle: the task id and a short signer tag. */
export function importedSessionId(taskId: string, fingerprint: string): string {
  const tag = fingerprint
    .replace(/^SHA256:/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .slice(0, 12);
  return `${taskId}@${tag}`;
}

export interface ImportResult {
  readonly session: string;
  readonly events: number;
  readonly fingerprint: string;
  readonly file: string;
  /** The same bundle was already imported (byte for byte). */
  readonly unchanged: boolean;
}

/** Reads and verifies an imported (or any) bundle file. */
export async function readBundleFile(file: string, keepEvents = false): Promise<VerifyResult> {
  return verifyBundle(await readFile(file), { keepEvents });
}

/**
 * Adds a verified bundle to the local store as a read-only session marked with its signer. Only
 * bundles that verify are stored; the stored file is the bundle itself, so the session stays
 * verifiable (and re-exportable as is) forever.
 */
export async function importBundle(
  dataDir: string,
  file: string,
  expectSigner?: string,
): Promise<ImportResult> {
  const bytes = await readFile(file);
  const v = await verifyBundle(bytes, { expectSigner });
  if (!v.ok) throw new BundleError('BadBundle', `not imported: ${v.fault.message}`);
  const session = importedSessionId(v.header.task.taskId, v.fingerprint);
  if (!/^[A-Za-z0-9_.@-]{1,160}$/.test(session))
    throw new BundleError('BadBundle', 'not imported: unusable task id');
  const dir = join(dataDir, IMPORTED_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const dest = join(dir, `${session}.airlock`);
  const existing = await readFile(dest).catch(() => undefined);
  if (existing?.equals(bytes))
    return { session, events: v.count, fingerprint: v.fingerprint, file: dest, unchanged: true };
  await writeFileDurable(dest, bytes, { mode: 0o444 });
  return { session, events: v.count, fingerprint: v.fingerprint, file: dest, unchanged: false };
}
