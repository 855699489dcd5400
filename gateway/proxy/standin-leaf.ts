import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { PARTITIONS } from '../aws/partitions';
import { writeFileDurable } from '../storage/durable-file';
import type { LocalCa } from './local-ca';
import { isAwsHost } from './proxy-target';
import { STANDIN_TLS_FILE } from './standin-tls-file';
import { createCertificate, toPem } from './x509';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * A few days: long enough to outlast a gateway that stays down over a weekend, short enough that
 * a copied file is soon worthless. The gateway re-issues it at every start and every day it runs.
 */
export const STANDIN_LEAF_LIFETIME_MS = 4 * DAY_MS;
export const STANDIN_LEAF_RENEW_MS = DAY_MS;

/**
 * The host names the stand-in answers inside TLS: every AWS API host an SDK or CLI reaches in the
 * partitions proxy mode intercepts. Wildcards cover one label, so each regional level is named:
 * `sts.us-east-1.amazonaws.com`, `bucket.s3.us-east-1.amazonaws.com`,
 * `123456789012.s3-control.us-east-1.amazonaws.com`, dual-stack hosts. A host not covered
 * (an S3 access point alias, say) gets the stand-in's refusal instead.
 */
export function standInHostPatterns(): string[] {
  const names = new Set<string>();
  for (const p of PARTITIONS) {
    if (!isAwsHost(`sts.${p.dnsSuffix}`)) continue;
    const dual = isAwsHost(`sts.${p.dualStackDnsSuffix}`) ? p.dualStackDnsSuffix : undefined;
    names.add(`*.${p.dnsSuffix}`);
    names.add(`*.s3.${p.dnsSuffix}`);
    if (dual) names.add(`*.global.${dual}`);
    for (const r of p.regions) {
      names.add(`*.${r}.${p.dnsSuffix}`);
      names.add(`*.s3.${r}.${p.dnsSuffix}`);
      names.add(`*.s3-control.${r}.${p.dnsSuffix}`);
      names.add(`*.dualstack.${r}.${p.dnsSuffix}`);
      names.add(`*.s3.dualstack.${r}.${p.dnsSuffix}`);
      if (dual) names.add(`*.${r}.${dual}`);
    }
  }
  return [...names];
}

/**
 * A fresh key and a leaf for `standInHostPatterns()`, signed by the CA: PEM, key first. The key
 * is the leaf's own; the CA key signs and stays in the gateway.
 */
export function issueStandInLeaf(ca: LocalCa, now = Date.now()): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createCertificate({
    subject: {
      commonName: 'Airlock stand-in (gateway not running)',
      organization: 'Airlock (local gateway)',
    },
    issuer: ca.subject,
    publicKey,
    signingKey: ca.key,
    issuerKeyId: ca.keyId,
    // Backdated an hour: a client whose clock runs a little behind still accepts it.
    notBefore: new Date(now - HOUR_MS),
    notAfter: new Date(Math.min(now + STANDIN_LEAF_LIFETIME_MS, ca.notAfter.getTime())),
    ca: false,
    altNames: standInHostPatterns(),
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return keyPem + toPem(der);
}

/** Writes a new stand-in identity to the data dir (mode 0600, whole or not at all); returns its path. */
export async function writeStandInLeaf(dataDir: string, ca: LocalCa, now = Date.now()): Promise<string> {
  const file = join(dataDir, STANDIN_TLS_FILE);
  await writeFileDurable(file, issueStandInLeaf(ca, now), { mode: 0o600 });
  return file;
}
