import type { RefreshTokenLine } from '../../gateway/protocol';

/** The part of VS Code's SecretStorage this needs (so it is testable without VS Code). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Whom a refresh token is for: one issuer's client. */
export interface TokenAudience {
  readonly issuer: string;
  readonly clientId: string;
}

/** The SecretStorage key of the refresh token for this issuer and client. */
export function refreshTokenSecretKey(c: TokenAudience): string {
  return `airlock.oidc.refreshToken ${c.issuer} ${c.clientId}`;
}

/** Is this stdout line of the gateway a rotated refresh token (`--report-refresh-tokens`)? */
export function parseRefreshTokenLine(line: string): RefreshTokenLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const s = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined);
  const refreshToken = s('refreshToken');
  const issuer = s('issuer');
  const clientId = s('clientId');
  return refreshToken && issuer && clientId ? { refreshToken, issuer, clientId } : undefined;
}

/**
 * Keeps the token the IdP rotated to: the one stored was spent by the gateway's refresh, and a
 * restarted gateway given it would be refused (and an IdP that detects reuse revokes the grant).
 * Only for the issuer and client configured now, and only while a token is stored: one that
 * arrives after sign-out is not brought back. Returns whether it was stored.
 */
export async function storeRotatedRefreshToken(
  secrets: SecretStore,
  configured: TokenAudience | undefined,
  line: RefreshTokenLine,
): Promise<boolean> {
  if (!configured || configured.issuer !== line.issuer || configured.clientId !== line.clientId) return false;
  const key = refreshTokenSecretKey(configured);
  if ((await secrets.get(key)) === undefined) return false;
  await secrets.store(key, line.refreshToken);
  return true;
}
