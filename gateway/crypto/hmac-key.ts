import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The HMAC key for bytes the gateway keys many HMACs with (derived SigV4 signing keys, the
 * masking keys), made once per key object. Node 24, the runtime code-server gives the gateway,
 * checks a Buffer key for a KeyObject or CryptoKey brand on every createHmac, and that check
 * throws internally: an HMAC under a Buffer key took 14 µs there against 2.5 µs under a KeyObject
 * (Node 20: 3 µs either way). Keyed by the bytes' object, so only long-lived keys hit.
 */
const objects = new WeakMap<Uint8Array, KeyObject>();

export function hmacKey(key: Uint8Array): KeyObject {
  let o = objects.get(key);
  if (o === undefined) {
    o = createSecretKey(key);
    objects.set(key, o);
  }
  return o;
}
