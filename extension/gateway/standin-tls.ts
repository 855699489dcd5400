import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { isAwsHost } from '../../gateway/proxy/proxy-target';
import { STANDIN_TLS_FILE } from '../../gateway/proxy/standin-tls-file';

/** The stand-in's TLS identity: the leaf the gateway issued it, for AWS host names only. */
export interface StandInTls {
  readonly context: SecureContext;
  /** Whether a CONNECT to this host can be answered inside TLS (an AWS host the leaf names, now). */
  covers(host: string): boolean;
}

/**
 * Reads the key and leaf the gateway left in the data dir (never the CA key: the stand-in cannot
 * mint anything, only present what the gateway issued). Undefined when the file is missing,
 * unreadable, not a matching key and server leaf, or expired: the stand-in then refuses the tunnel.
 */
export async function loadStandInTls(dataDir: string, now = Date.now): Promise<StandInTls | undefined> {
  let pem: string;
  try {
    pem = await readFile(join(dataDir, STANDIN_TLS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const cert = new X509Certificate(pem);
    const key = createPrivateKey(pem);
    if (cert.ca || !cert.checkPrivateKey(key)) return undefined;
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (!(to > now())) return undefined;
    const context = createSecureContext({ key: pem, cert: cert.toString(), minVersion: 'TLSv1.2' });
    return {
      context,
      covers(host) {
        const t = now();
        return t >= from && t < to && isAwsHost(host) && cert.checkHost(host) !== undefined;
      },
    };
  } catch {
    return undefined;
  }
}
