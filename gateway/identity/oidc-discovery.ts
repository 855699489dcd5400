import * as client from 'openid-client';
import type { JsonWebKey } from 'node:crypto';
import { isLoopbackHttp, type OidcConfig } from './oidc-config';

/** The IdP as openid-client knows it, plus its signing keys for our own ID token checks. */
export interface Idp {
  readonly config: client.Configuration;
  readonly settings: OidcConfig;
  /** The issuer's JWKS, fetched now (keys rotate: callers fetch again when a signature fails). */
  jwks(): Promise<JsonWebKey[]>;
}

export class IdpUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdpUnreachableError';
  }
}

function reason(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  const base = e instanceof Error ? e.message : String(e);
  return cause instanceof Error ? `${base} (${cause.message})` : base;
}

/**
 * Discovers the issuer (`/.well-known/openid-configuration`) for a public client (PKCE, no secret).
 * Plain http is accepted only on loopback, where a local or test IdP runs.
 */
export async function discoverIdp(settings: OidcConfig): Promise<Idp> {
  const issuer = new URL(settings.issuer);
  const insecure = isLoopbackHttp(issuer);
  let config: client.Configuration;
  try {
    config = await client.discovery(issuer, settings.clientId, undefined, client.None(), {
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      timeout: 15,
    });
  } catch (e) {
    throw new IdpUnreachableError(`could not discover the OIDC issuer ${settings.issuer}: ${reason(e)}`);
  }
  const jwksUri = config.serverMetadata().jwks_uri;
  return {
    config,
    settings,
    async jwks() {
      if (!jwksUri) throw new IdpUnreachableError(`${settings.issuer} publishes no jwks_uri`);
      let res: Response;
      try {
        res = await fetch(jwksUri, { signal: AbortSignal.timeout(15_000) });
      } catch (e) {
        throw new IdpUnreachableError(`could not fetch the signing keys of ${settings.issuer}: ${reason(e)}`);
      }
      const body = (await res.json().catch(() => undefined)) as { keys?: unknown } | undefined;
      if (!res.ok || !Array.isArray(body?.keys))
        throw new IdpUnreachableError(`${jwksUri} answered HTTP ${res.status} without a key set`);
      return body.keys as JsonWebKey[];
    },
  };
}

export interface TokenSet {
  readonly idToken: string;
  readonly refreshToken?: string;
}

/** The tokens of a token endpoint answer; an answer without an ID token is not a sign-in. */
export function tokenSet(r: client.TokenEndpointResponse): TokenSet {
  if (!r.id_token) throw new Error('the IdP answered without an ID token (is "openid" among the scopes?)');
  return { idToken: r.id_token, refreshToken: r.refresh_token };
}

/** Trades a refresh token for a fresh ID token (and, where the IdP rotates them, a new refresh token). */
export async function refreshTokens(idp: Idp, refreshToken: string): Promise<TokenSet> {
  const r = await client.refreshTokenGrant(idp.config, refreshToken);
  const set = tokenSet(r);
  return { idToken: set.idToken, refreshToken: set.refreshToken ?? refreshToken };
}
