/**
 * kSigning = HMAC chain over date, region, service and "aws4_request". Four HMACs per request
 * are most of the cost of a verification, and one agent signs many requests with one scope per
 * day, so derived keys sit in a small LRU.
 */

import { createHmac } from 'node:crypto';

import type { CredentialScope } from './types';

const MAX_ENTRIES = 256;
const cache = new Map<string, Buffer>();

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'latin1').digest();
}

export function deriveSigningKey(secretAccessKey: string, scope: CredentialScope): Buffer {
  // The secret goes last so scope fields cannot be crafted to collide with another secret's key.
  const cacheKey = `${scope.date}\n${scope.region}\n${scope.service}\n${scope.terminator}\n${secretAccessKey}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) {
    cache.delete(cacheKey);
    cache.set(cacheKey, hit);
    return hit;
  }
  const kDate = hmac(Buffer.from(`AWS4${secretAccessKey}`, 'utf8'), scope.date);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  const kSigning = hmac(kService, scope.terminator);
  cache.set(cacheKey, kSigning);
  if (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  return kSigning;
}

/** For key rotation and tests: forget every derived key. */
export function clearSigningKeyCache(): void {
  cache.clear();
}

export function signingKeyCacheSize(): number {
  return cache.size;
}
