import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Name } from '@peculiar/asn1-x509';
import { DataDirFileError } from '../storage/data-dir-error';
import { writeFileDurable } from '../storage/durable-file';
import { createCertificate, keyIdentifier, subjectOf, toPem } from './x509';

/** The CA certificate agents trust (AWS_CA_BUNDLE); public, readable by the agent's tools. */
export const CA_CERT_FILE = 'ca.pem';
/** The CA's private key: mode 0600, read only by the gateway, never served or exported. */
export const CA_KEY_FILE = 'ca-key.pem';

const DAY_MS = 86_400_000;
const CA_LIFETIME_MS = 3650 * DAY_MS;
/** A CA this close to expiry is re-issued (same key) at start, so leaves never outlive it. */
const CA_RENEW_BEFORE_MS = 30 * DAY_MS;

export interface LocalCa {
  readonly certPem: string;
  readonly key: KeyObject;
  readonly commonName: string;
  /** The CA's subject as encoded in its certificate: the issuer name of every leaf. */
  readonly subject: Name;
  /** Subject key identifier, for the leaves' authority key identifier. */
  readonly keyId: Buffer;
  readonly notAfter: Date;
  readonly certFile: string;
}

function issueCaCert(key: KeyObject, now: Date): string {
  // A per-install name: two data dirs never produce CAs that look alike in a trust store.
  const commonName = `Airlock local CA ${randomBytes(4).toString('hex')}`;
  const subject = { commonName, organization: 'Airlock (local gateway)' };
  const publicKey = createPublicKey(key);
  const der = createCertificate({
    subject,
    publicKey,
    signingKey: key,
    issuerKeyId: keyIdentifier(publicKey),
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
    ca: true,
  });
  return toPem(der);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The key, created exclusively and durably (mode 0600) on first start; another gateway's wins a race. */
async function readOrCreateKey(path: string): Promise<KeyObject> {
  const existing = await readOptional(path);
  if (existing === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFileDurable(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { exclusive: true });
  }
  await chmod(path, 0o600);
  const pem = await readFile(path, 'utf8');
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new DataDirFileError(
      'KeyFileInvalid',
      path,
      pem.length === 0 ? 'is empty' : `is not a private key (${(e as Error).message})`,
      `Move it and ${CA_CERT_FILE} aside: a new local CA is created at start (tools that trusted the old one must be pointed at the new certificate).`,
    );
  }
}

function usable(pem: string | undefined, key: KeyObject, now: Date): X509Certificate | undefined {
  if (pem === undefined) return undefined;
  try {
    const cert = new X509Certificate(pem);
    if (!cert.ca || !cert.checkPrivateKey(key)) return undefined;
    if (new Date(cert.validTo).getTime() - now.getTime() < CA_RENEW_BEFORE_MS) return undefined;
    return cert;
  } catch {
    return undefined;
  }
}

/**
 * Proxy mode's certificate authority: loaded from the data dir, or created at first start. A
 * missing, foreign or nearly expired certificate is re-issued for the same key.
 */
export async function loadOrCreateCa(dataDir: string, now = new Date()): Promise<LocalCa> {
  const key = await readOrCreateKey(join(dataDir, CA_KEY_FILE));
  const certFile = join(dataDir, CA_CERT_FILE);
  let cert = usable(await readOptional(certFile), key, now);
  if (!cert) {
    // Written whole then renamed: a client reading AWS_CA_BUNDLE never sees half a file.
    await writeFileDurable(certFile, issueCaCert(key, now), { mode: 0o644 });
    // Re-read: if another gateway on this data dir renamed its certificate in last, use that one.
    cert = usable(await readOptional(certFile), key, now);
    if (!cert) throw new Error(`the CA certificate at ${certFile} could not be written`);
  }
  const commonName = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? 'Airlock local CA';
  return {
    certPem: cert.toString(),
    key,
    commonName,
    subject: subjectOf(cert.raw),
    keyId: keyIdentifier(createPublicKey(key)),
    notAfter: new Date(cert.validTo),
    certFile,
  };
}
