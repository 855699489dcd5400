import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Checks an ID token before the gateway trusts or forwards it: signature against the issuer's
 * published keys, issuer, audience, expiry. Pure (node:crypto only); the keys are given.
 */
export interface IdTokenExpectations {
  readonly issuer: string;
  readonly audience: string;
  /** The issuer's JWKS (`keys`). */
  readonly jwks: readonly JsonWebKey[];
  readonly now?: Date;
  /** Leeway for clocks that differ, in seconds. */
  readonly clockToleranceSeconds?: number;
}

export type IdTokenProblem = 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired' | 'not-yet-valid';

export class IdTokenError extends Error {
  constructor(
    readonly problem: IdTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'IdTokenError';
  }
}

const ALGS: Record<string, { hash: string; kty: string; pss?: boolean; ec?: boolean }> = {
  RS256: { hash: 'sha256', kty: 'RSA' },
  RS384: { hash: 'sha384', kty: 'RSA' },
  RS512: { hash: 'sha512', kty: 'RSA' },
  PS256: { hash: 'sha256', kty: 'RSA', pss: true },
  PS384: { hash: 'sha384', kty: 'RSA', pss: true },
  PS512: { hash: 'sha512', kty: 'RSA', pss: true },
  ES256: { hash: 'sha256', kty: 'EC', ec: true },
  ES384: { hash: 'sha384', kty: 'EC', ec: true },
  ES512: { hash: 'sha512', kty: 'EC', ec: true },
  EdDSA: { hash: '', kty: 'OKP' },
  Ed25519: { hash: '', kty: 'OKP' },
};

function part(s: string | undefined, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(s ?? '', 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new IdTokenError('malformed', `the ID token's ${what} is not a JSON object`);
}

/** The token's claims without any check: only for reading what a refused token claimed. */
export function unverifiedClaims(token: string): Record<string, unknown> {
  return part(token.split('.')[1], 'payload');
}

function keyFor(header: Record<string, unknown>, jwks: readonly JsonWebKey[], kty: string): KeyObject[] {
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const candidates = jwks.filter(
    (k) => k.kty === kty && (kid === undefined || k.kid === kid) && (k.use === undefined || k.use === 'sig'),
  );
  const out: KeyObject[] = [];
  for (const k of candidates) {
    try {
      out.push(createPublicKey({ key: k, format: 'jwk' }));
    } catch {
      // A key this runtime cannot read cannot have signed anything we accept.
    }
  }
  return out;
}

/** Verifies `token` and returns its claims; throws IdTokenError saying what is wrong with it. */
export function verifyIdToken(token: string, expect: IdTokenExpectations): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3)
    throw new IdTokenError('malformed', 'the ID token is not a signed JWT (three parts)');
  const header = part(parts[0], 'header');
  const claims = part(parts[1], 'payload');
  const alg = typeof header.alg === 'string' ? ALGS[header.alg] : undefined;
  if (!alg)
    throw new IdTokenError('signature', `the ID token's algorithm ${String(header.alg)} is not accepted`);
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2] ?? '', 'base64url');
  const ok = keyFor(header, expect.jwks, alg.kty).some((key) =>
    verifySignature(
      alg.hash || null,
      signed,
      alg.pss
        ? { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 }
        : alg.ec
          ? { key, dsaEncoding: 'ieee-p1363' }
          : key,
      signature,
    ),
  );
  if (!ok)
    throw new IdTokenError(
      'signature',
      `the ID token's signature does not verify against the keys ${expect.issuer} publishes`,
    );
  if (claims.iss !== expect.issuer)
    throw new IdTokenError(
      'issuer',
      `the ID token was issued by ${String(claims.iss)}, not by the configured issuer ${expect.issuer}`,
    );
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(expect.audience))
    throw new IdTokenError(
      'audience',
      `the ID token is for ${aud.map(String).join(', ')}, not for Airlock's client ${expect.audience}`,
    );
  const now = Math.floor((expect.now ?? new Date()).getTime() / 1000);
  const leeway = expect.clockToleranceSeconds ?? 30;
  if (typeof claims.exp !== 'number' || claims.exp + leeway <= now)
    throw new IdTokenError(
      'expired',
      `the ID token expired at ${typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'an unknown time'}`,
    );
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > now)
    throw new IdTokenError('not-yet-valid', 'the ID token is not valid yet (check the clock)');
  return claims;
}
