import type { ShapeKind } from './types';

/**
 * Detectors for secret shapes, whatever field they sit in: PEM private keys, JWTs, bearer tokens,
 * and AWS secret access keys when an access key id appears in the same body (a lone 40-character
 * token is too common to mask on its own). Each detector has a cheap pre-check so the common case
 * (no secret) costs a few `includes` calls per string.
 */

const PEM = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/gi;
const SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/;

/** True when the text holds an AWS access key id, which makes 40-character tokens suspect. */
export function hasAccessKeyId(text: string): boolean {
  return ACCESS_KEY_ID.test(text);
}

/** A 40-character token that looks random (AWS secret keys mix cases and digits; hex digests do not). */
function looksLikeSecretKey(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

export type Replacer = (kind: ShapeKind, secret: string) => string;

/**
 * Replaces every secret shape in `value`; returns the new text and the kinds found (undefined when
 * nothing was found, the usual case).
 */
export function maskShapes(
  value: string,
  keyIdInBody: boolean,
  replace: Replacer,
): { readonly text: string; readonly kinds: readonly ShapeKind[] } | undefined {
  let text = value;
  const kinds: ShapeKind[] = [];
  if (text.includes('PRIVATE KEY-----')) {
    text = text.replace(PEM, (m) => {
      kinds.push('pem-private-key');
      return replace('pem-private-key', m);
    });
  }
  if (/bearer/i.test(text)) {
    text = text.replace(BEARER, (_m, prefix: string, token: string) => {
      kinds.push('bearer-token');
      return prefix + replace('bearer-token', token);
    });
  }
  if (text.includes('eyJ')) {
    text = text.replace(JWT, (m) => {
      kinds.push('jwt');
      return replace('jwt', m);
    });
  }
  if (keyIdInBody && text.length >= 40) {
    text = text.replace(SECRET_KEY, (m) => {
      if (!looksLikeSecretKey(m)) return m;
      kinds.push('aws-secret-key');
      return replace('aws-secret-key', m);
    });
  }
  return kinds.length > 0 ? { text, kinds } : undefined;
}
