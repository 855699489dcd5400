/** Freshness: clock skew for header auth, validity window for presigned URLs. */

import { DEFAULT_MAX_SKEW_MS } from './constants';
import { SigV4Error, type ParsedAuth } from './types';

/**
 * Header auth: the signing time must be within `maxSkewMs` of now, either side (AWS: 15 min).
 * Presigned: not signed more than `maxSkewMs` in the future, and not used after
 * X-Amz-Date + X-Amz-Expires (no skew allowance on expiry, as at S3).
 */
export function checkRequestTime(
  auth: Pick<ParsedAuth, 'kind' | 'requestTime' | 'expiresSeconds' | 'amzDate'>,
  now: Date | number,
  maxSkewMs: number = DEFAULT_MAX_SKEW_MS,
): void {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const signedMs = auth.requestTime.getTime();
  const ahead = signedMs - nowMs;
  if (ahead > maxSkewMs || (auth.kind === 'header' && -ahead > maxSkewMs)) {
    throw new SigV4Error(
      'RequestTimeTooSkewed',
      `The difference between the request time (${auth.amzDate}) and the current time (${new Date(nowMs).toISOString()}) is too large.`,
    );
  }
  if (auth.kind === 'presigned') {
    const expiresMs = signedMs + (auth.expiresSeconds ?? 0) * 1000;
    if (nowMs > expiresMs) {
      throw new SigV4Error(
        'PresignedUrlExpired',
        `Request has expired: the URL was valid until ${new Date(expiresMs).toISOString()}`,
      );
    }
  }
}
