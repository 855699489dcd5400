import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';
import { hmacKey } from '../crypto/hmac-key';

function bytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * SHA-256 and HMAC-SHA256 for smithy's SignatureV4, as @smithy/hash-node's `Hash` computes them,
 * but an HMAC keyed by bytes goes through their cached KeyObject (crypto/hmac-key.ts): the
 * re-signer keys one HMAC per call with the same cached signing key.
 */
export class Sha256Checksum implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.start();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.start();
  }

  private start(): Hash | Hmac {
    const s = this.secret;
    if (s === undefined) return createHash('sha256');
    // A secret string (the "AWS4" + secret of a key derivation) is used once per derivation.
    return createHmac('sha256', typeof s === 'string' ? s : hmacKey(s instanceof Uint8Array ? s : bytes(s)));
  }
}
