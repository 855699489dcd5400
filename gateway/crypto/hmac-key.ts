import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The HMAC key for bytes the gateway keys many HMACs with (derived SigV4 signing keys, masking
 * keys, the master key), made once per key object. Node 22+ checks a Buffer key for a KeyObject
 * or CryptoKey brand on every createHmac, and that check throws internally: on Node 24, the
 * runtime VS Code gives the gateway, an HMAC under a Buffer key took 14 µs against 2.5 µs under a
 * KeyObject (Node 20: 3 µs either way). Keyed by the bytes' object, so only long-lived keys hit.
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
