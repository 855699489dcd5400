import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataDirFileError } from '../storage/data-dir-error';
import { writeFileDurable } from '../storage/durable-file';

/** The gateway's Ed25519 bundle-signing key: PKCS#8 PEM, mode 0600, never leaves the data dir. */
export const SIGNING_KEY_FILE = 'signing-key.pem';

export interface SigningKey {
  readonly privateKey: KeyObject;
  /** SubjectPublicKeyInfo DER, as bundles carry it (base64). */
  readonly publicKeyDer: Buffer;
  readonly fingerprint: string;
}

/** `SHA256:` + unpadded base64 of SHA-256 over the SPKI DER (the style of `ssh-keygen -l`). */
export function fingerprintOf(publicKeyDer: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyDer).digest('base64').replace(/=+$/, '')}`;
}

export function publicKeyFromDer(der: Buffer): KeyObject {
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}

function fromPem(file: string, pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw badKey(file, pem.length === 0 ? 'is empty' : `is not a private key (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw badKey(file, 'is not an Ed25519 key');
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyDer, fingerprint: fingerprintOf(publicKeyDer) };
}

function badKey(file: string, problem: string): DataDirFileError {
  return new DataDirFileError(
    'KeyFileInvalid',
    file,
    `${problem}, so bundles cannot be signed`,
    'Restore it from a backup if you have one; otherwise move it aside: a new key is created at start, and bundles signed with the old key then show as signed by an unknown key unless its fingerprint is pinned in trustedSigners.',
  );
}

/** Loads the gateway's signing key, creating it (exclusively, durably, 0600) on first use. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  try {
    return fromPem(file, await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  // Exclusive: if another process created it first, theirs is used.
  await writeFileDurable(file, pem, { exclusive: true });
  await chmod(file, 0o600);
  return fromPem(file, await readFile(file, 'utf8'));
}

/** This data dir's signing fingerprint, without creating a key; undefined when it has none yet. */
export async function ownSigningFingerprint(dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return fromPem(file, pem).fingerprint;
}
