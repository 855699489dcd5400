import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from '../storage/durable-file';
import { BundleError } from './bundle-error';
import { describeSigner, type SignerStatus, type SignerTrust } from './signer-trust';
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
  readonly signer: SignerStatus;
  /** The bundle says its session is not whole (events were removed before export). */
  readonly incomplete?: string;
}

export interface ImportOptions {
  /** Refuse unless signed by this fingerprint (then it counts as known). */
  readonly expectSigner?: string;
  /** Import a bundle whose signer is not known (the user checked the fingerprint with the sender). */
  readonly allowUnknownSigner?: boolean;
  readonly trust?: SignerTrust;
}

/** Reads and verifies an imported (or any) bundle file. */
export async function readBundleFile(
  file: string,
  keepEvents = false,
  trust?: SignerTrust,
): Promise<VerifyResult> {
  return verifyBundle(await readFile(file), { keepEvents, trust });
}

/**
 * Adds a verified bundle to the local store as a read-only session marked with its signer. Only
 * bundles that verify are stored; the stored file is the bundle itself, so the session stays
 * verifiable (and re-exportable as is) forever. A valid signature by a key nobody here knows
 * proves nothing about who recorded the session (anyone can re-sign an edited one), so such a
 * bundle is imported only when the user says so (`allowUnknownSigner`, or `expectSigner`).
 */
export async function importBundle(
  dataDir: string,
  file: string,
  o: ImportOptions = {},
): Promise<ImportResult> {
  const bytes = await readFile(file);
  const v = await verifyBundle(bytes, { expectSigner: o.expectSigner, trust: o.trust });
  if (!v.ok) throw new BundleError('BadBundle', `not imported: ${v.fault.message}`);
  if (!v.signer.known && !o.allowUnknownSigner)
    throw new BundleError(
      'UnknownSigner',
      `not imported: ${describeSigner(v.signer)}. If the sender confirms that fingerprint, import with --allow-unknown-signer (or --expect-signer ${v.fingerprint}), or pin it in .airlock/policy.json "trustedSigners".`,
    );
  const said = { signer: v.signer, incomplete: v.incomplete };
  const session = importedSessionId(v.header.task.taskId, v.fingerprint);
  if (!/^[A-Za-z0-9_.@-]{1,160}$/.test(session))
    throw new BundleError('BadBundle', 'not imported: unusable task id');
  const dir = join(dataDir, IMPORTED_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const dest = join(dir, `${session}.airlock`);
  const existing = await readFile(dest).catch(() => undefined);
  if (existing?.equals(bytes))
    return { session, events: v.count, fingerprint: v.fingerprint, file: dest, unchanged: true, ...said };
  await writeFileDurable(dest, bytes, { mode: 0o444 });
  return { session, events: v.count, fingerprint: v.fingerprint, file: dest, unchanged: false, ...said };
}
