import { generateKeyPairSync } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { LocalCa } from './local-ca';
import { createCertificate, toPem } from './x509';

const HOUR_MS = 3_600_000;
/** Leaves live a week: they exist only in memory and a restart mints new ones anyway. */
const LEAF_LIFETIME_MS = 7 * 24 * HOUR_MS;
/** X.509 upper bound for a common name; long S3 virtual hosts exceed it (the SAN carries them). */
const CN_MAX = 64;

interface Leaf {
  readonly context: SecureContext;
  readonly certPem: string;
  readonly renewAt: number;
}

export interface LeafCertificatesOptions {
  /** Hosts kept in the cache; the least recently used is dropped beyond this. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * TLS server identities for intercepted hosts, minted on first use from the local CA (ECDSA
 * P-256, SAN = the host) and kept in a small LRU. Minting is synchronous (a few milliseconds:
 * one EC key, one signature), so concurrent CONNECTs for a new host need no coordination.
 */
export class LeafCertificates {
  private readonly leaves = new Map<string, Leaf>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private mintedCount = 0;

  constructor(
    private readonly ca: LocalCa,
    opts: LeafCertificatesOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 512;
    this.now = opts.now ?? Date.now;
  }

  /** How many leaves were minted since start (cache misses). */
  get minted(): number {
    return this.mintedCount;
  }

  get size(): number {
    return this.leaves.size;
  }

  secureContext(host: string): SecureContext {
    return this.leaf(host).context;
  }

  certificatePem(host: string): string {
    return this.leaf(host).certPem;
  }

  private leaf(rawHost: string): Leaf {
    const host = rawHost.toLowerCase();
    const cached = this.leaves.get(host);
    if (cached && cached.renewAt > this.now()) {
      // Map order is recency order: move the hit to the back.
      this.leaves.delete(host);
      this.leaves.set(host, cached);
      return cached;
    }
    const leaf = this.mint(host);
    this.leaves.delete(host);
    this.leaves.set(host, leaf);
    while (this.leaves.size > this.maxEntries) {
      const oldest = this.leaves.keys().next();
      if (oldest.done === true) break;
      this.leaves.delete(oldest.value);
    }
    return leaf;
  }

  private mint(host: string): Leaf {
    const now = this.now();
    const notAfter = Math.min(now + LEAF_LIFETIME_MS, this.ca.notAfter.getTime());
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = createCertificate({
      subject: { commonName: host.length <= CN_MAX ? host : 'Airlock intercepted host' },
      issuer: this.ca.subject,
      publicKey,
      signingKey: this.ca.key,
      issuerKeyId: this.ca.keyId,
      // Backdated an hour: a client whose clock runs a little behind still accepts it.
      notBefore: new Date(now - HOUR_MS),
      notAfter: new Date(notAfter),
      ca: false,
      altNames: [host],
    });
    const certPem = toPem(der);
    this.mintedCount++;
    return {
      context: createSecureContext({
        key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        cert: certPem,
        minVersion: 'TLSv1.2',
      }),
      certPem,
      renewAt: notAfter - HOUR_MS,
    };
  }
}
