/** String-to-sign, signature and the constant-time comparison against the client's signature. */

import { createHmac, timingSafeEqual } from 'node:crypto';

import { hmacKey } from '../crypto/hmac-key';
import { sha256Hex } from '../crypto/sha256-hex';

import { buildCanonicalRequest } from './canonical-request';
import { ALGORITHM } from './constants';
import { deriveSigningKey } from './signing-key';
import { SigV4Error, type CredentialScope, type ParsedAuth, type RawRequest } from './types';

export function credentialScopeString(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
}

export function buildStringToSign(
  auth: Pick<ParsedAuth, 'amzDate' | 'scope'>,
  canonicalRequest: string,
): string {
  const hash = sha256Hex(canonicalRequest, 'latin1');
  return `${ALGORITHM}\n${auth.amzDate}\n${credentialScopeString(auth.scope)}\n${hash}`;
}

export function computeSignature(
  stringToSign: string,
  secretAccessKey: string,
  scope: CredentialScope,
): string {
  return createHmac('sha256', hmacKey(deriveSigningKey(secretAccessKey, scope)))
    .update(stringToSign, 'latin1')
    .digest('hex');
}

export interface SignatureCheck {
  readonly ok: boolean;
  /** Why it failed; absent when ok. */
  readonly reason?: 'signature-mismatch' | 'signed-header-missing';
  /** Byte strings, for AWS-style SignatureDoesNotMatch diagnostics. */
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Recomputes the signature for `raw` and compares it in constant time. `payloadHash` comes from
 * resolvePayloadHash/declaredPayloadHash. Does not check time; see checkRequestTime.
 */
export function checkSignature(
  raw: RawRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  payloadHash: string,
): SignatureCheck {
  const { canonicalRequest, missingHeaders } = buildCanonicalRequest(raw, auth, payloadHash);
  const stringToSign = buildStringToSign(auth, canonicalRequest);
  const expected = computeSignature(stringToSign, secretAccessKey, auth.scope);
  const matches = constantTimeEqualHex(expected, auth.signature);
  if (missingHeaders.length > 0) {
    return { ok: false, reason: 'signed-header-missing', canonicalRequest, stringToSign };
  }
  if (!matches) return { ok: false, reason: 'signature-mismatch', canonicalRequest, stringToSign };
  return { ok: true, canonicalRequest, stringToSign };
}

export function verifySignature(
  raw: RawRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  payloadHash: string,
): boolean {
  return checkSignature(raw, auth, secretAccessKey, payloadHash).ok;
}

/** verifySignature that throws the AWS error instead of returning false. */
export function assertSignature(
  raw: RawRequest,
  auth: ParsedAuth,
  secretAccessKey: string,
  payloadHash: string,
): void {
  const check = checkSignature(raw, auth, secretAccessKey, payloadHash);
  if (check.ok) return;
  throw new SigV4Error(
    'SignatureDoesNotMatch',
    check.reason === 'signed-header-missing'
      ? 'The request signature we calculated does not match the signature you provided: a header listed in SignedHeaders is not in the request.'
      : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
}

/**
 * Hex signatures are compared as ASCII so a malformed one is just unequal. Only the length can
 * leak through timing, and every valid signature has the same length.
 */
function constantTimeEqualHex(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(provided, 'latin1');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
