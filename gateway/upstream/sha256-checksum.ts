import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';
import { hmacKey } from '../crypto/hmac-key';

/** The key's bytes as the object itself when it is one already, so its KeyObject is found again. */
function keyBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
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
    return createHmac('sha256', typeof s === 'string' ? s : hmacKey(keyBytes(s)));
  }
}
