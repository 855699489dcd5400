import { bearerSpans, jwtSpans, pemSpans, type ShapeSpan } from './shape-scan';
import type { ShapeKind } from './types';

/**
 * Detectors for secret shapes, whatever field they sit in: PEM private keys, JWTs, bearer tokens,
 * and AWS secret access keys when an access key id appears in the same body (a lone 40-character
 * token is too common to mask on its own). Every detector runs in time linear in its input
 * (hand-written scanners, or regexes of bounded tokens without nested quantifiers), and each has a
 * cheap pre-check so the common case (no secret) costs a few `includes` calls per string.
 */

// Fixed-length tokens bounded by one-character lookarounds: at most 41 steps per start position,
// and a start inside a run fails at its lookbehind at once.
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

function replaceSpans(
  text: string,
  spans: readonly ShapeSpan[],
  kind: ShapeKind,
  kinds: ShapeKind[],
  replace: Replacer,
): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    kinds.push(kind);
    out += text.slice(at, s.secretStart) + replace(kind, text.slice(s.secretStart, s.end));
    at = s.end;
  }
  return out + text.slice(at);
}

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
  if (text.includes('PRIVATE KEY-----'))
    text = replaceSpans(text, pemSpans(text), 'pem-private-key', kinds, replace);
  if (/bearer/i.test(text)) text = replaceSpans(text, bearerSpans(text), 'bearer-token', kinds, replace);
  if (text.includes('eyJ')) text = replaceSpans(text, jwtSpans(text), 'jwt', kinds, replace);
  if (keyIdInBody && text.length >= 40) {
    text = text.replace(SECRET_KEY, (m) => {
      if (!looksLikeSecretKey(m)) return m;
      kinds.push('aws-secret-key');
      return replace('aws-secret-key', m);
    });
  }
  return kinds.length > 0 ? { text, kinds } : undefined;
}
