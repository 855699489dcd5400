import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createCertificate, keyIdentifier, subjectOf, toPem } from '../../gateway/proxy/x509';

/** A throwaway CA and a server certificate it signed, made at test time (nothing on disk). */
export interface TestTls {
  /** The CA certificate a client (or the gateway's --upstream-ca) must trust. */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;

/** Server identity for `names` (DNS names or IP addresses), issued by a fresh CA named `caName`. */
export function makeTestTls(
  names: readonly string[] = ['127.0.0.1', 'localhost'],
  caName = 'Airlock test CA',
): TestTls {
  const now = Date.now();
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caKeyId = keyIdentifier(ca.publicKey);
  const caDer = createCertificate({
    subject: { commonName: caName },
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caKeyId,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + DAY_MS),
    ca: true,
  });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafDer = createCertificate({
    subject: { commonName: names[0] ?? 'localhost' },
    issuer: subjectOf(caDer),
    publicKey: createPublicKey(leaf.privateKey),
    signingKey: ca.privateKey,
    issuerKeyId: caKeyId,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + DAY_MS),
    ca: false,
    altNames: names,
  });
  return {
    caPem: toPem(caDer),
    certPem: toPem(leafDer),
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
