import type { AwsCredentialIdentity } from '@smithy/types';
import { GatewayError } from '../errors/gateway-error';
import type { IdentityStatus } from '../protocol';
import type { Logger } from '../server/logger';
import { assumeRoleWithWebIdentity, type SessionCredentials, type StsEndpoint } from '../upstream/sts-client';
import { identityFromClaims, sourceIdentity, type IdentityClaims } from './identity-claims';
import type { OidcConfig } from './oidc-config';
import { discoverIdp, refreshTokens, type Idp } from './oidc-discovery';
import { IdTokenError, verifyIdToken } from './verify-id-token';

/** Where a refresh token lives between gateway runs (the CLI's 0600 file), or nowhere (the extension's). */
export interface RefreshTokenStore {
  load(): Promise<string | undefined>;
  save(refreshToken: string): Promise<void>;
  clear(): Promise<void>;
}

export interface OidcSessionOptions {
  readonly settings: OidcConfig;
  readonly sts: StsEndpoint;
  readonly store: RefreshTokenStore;
  readonly log: Logger;
  readonly onChange: (status: IdentityStatus) => void;
  /** Refresh when this share of the shorter of ID token and credential lifetime has passed. */
  readonly refreshAt?: number;
}

type State =
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'failed'; readonly error: string }
  | {
      readonly kind: 'signed-in';
      readonly identity: IdentityClaims;
      readonly credentials: SessionCredentials;
      readonly refreshToken: string;
    };

/**
 * The gateway's OIDC mode: a refresh token held in memory, traded for an ID token that the
 * gateway verifies and exchanges with STS AssumeRoleWithWebIdentity. The credentials exist only
 * here; they are renewed (token and credentials) before either expires, and dropped at sign-out.
 */
export class OidcSession {
  private state: State = { kind: 'signed-out' };
  private idp: Idp | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  /** Bumped by sign-out, so a refresh that was under way when it happened cannot sign back in. */
  private generation = 0;

  constructor(private readonly opts: OidcSessionOptions) {}

  /** Signs in with the stored refresh token, if there is one (a failure leaves the gateway signed out, saying why). */
  async start(): Promise<void> {
    const stored = await this.opts.store.load();
    if (stored) await this.signIn(stored);
  }

  status(): IdentityStatus {
    const { issuer, clientId, scopes, roleArn } = this.opts.settings;
    const base = { mode: 'oidc' as const, issuer, clientId, scopes, roleArn };
    const s = this.state;
    if (s.kind === 'signed-in')
      return {
        ...base,
        state: 'signed-in',
        identity: s.identity,
        expiresAt: s.credentials.expiration.toISOString(),
      };
    if (s.kind === 'failed') return { ...base, state: 'failed', error: s.error };
    return { ...base, state: 'signed-out' };
  }

  identity(): IdentityClaims | undefined {
    return this.state.kind === 'signed-in' ? this.state.identity : undefined;
  }

  /** Signs in with a refresh token; resolves with the status either way (errors are in it). */
  async signIn(refreshToken: string): Promise<IdentityStatus> {
    const generation = ++this.generation;
    await this.renew(refreshToken, generation);
    return this.status();
  }

  async signOut(): Promise<void> {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = { kind: 'signed-out' };
    await this.opts.store.clear();
    this.opts.log.log('info', 'signed out');
    this.opts.onChange(this.status());
  }

  /** The credentials calls are re-signed with; an AWS-shaped refusal when there are none. */
  async credentials(): Promise<AwsCredentialIdentity> {
    let s = this.state;
    // A timer can fire late (a suspended laptop): never sign with expired credentials.
    if (s.kind === 'signed-in' && s.credentials.expiration.getTime() - Date.now() < 60_000) {
      this.inflight ??= this.renew(s.refreshToken, this.generation).finally(
        () => (this.inflight = undefined),
      );
      await this.inflight;
      s = this.state;
    }
    if (s.kind === 'signed-in') return s.credentials;
    if (s.kind === 'failed')
      throw new GatewayError(
        'SignedOut',
        `signed out of Airlock: ${s.error}. Sign in again ("Airlock: Sign In" or airlock login), then retry.`,
      );
    throw new GatewayError(
      'SignedOut',
      'signed out of Airlock: sign in again ("Airlock: Sign In" or airlock login), then retry.',
    );
  }

  close(): void {
    this.generation++;
    clearTimeout(this.timer);
  }

  private async renew(refreshToken: string, generation: number): Promise<void> {
    try {
      this.idp ??= await discoverIdp(this.opts.settings);
      const tokens = await refreshTokens(this.idp, refreshToken);
      const claims = await this.verify(this.idp, tokens.idToken);
      const identity = identityFromClaims(claims);
      const credentials = await assumeRoleWithWebIdentity(this.opts.sts, {
        roleArn: this.opts.settings.roleArn,
        roleSessionName: `airlock-${sourceIdentity(identity)}`.slice(0, 64),
        webIdentityToken: tokens.idToken,
      });
      if (generation !== this.generation) return;
      const rotated = tokens.refreshToken ?? refreshToken;
      if (rotated !== refreshToken) await this.opts.store.save(rotated);
      const firstSignIn = this.state.kind !== 'signed-in';
      this.state = { kind: 'signed-in', identity, credentials, refreshToken: rotated };
      this.schedule(
        credentials.expiration,
        typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
      );
      this.opts.log.log('info', firstSignIn ? 'signed in' : 'sign-in refreshed', {
        subject: identity.subject,
        email: identity.email,
        credentialsExpireAt: credentials.expiration.toISOString(),
      });
      this.opts.onChange(this.status());
    } catch (e) {
      if (generation !== this.generation) return;
      clearTimeout(this.timer);
      const error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      this.state = { kind: 'failed', error: `the sign-in could not be refreshed (${error})` };
      this.opts.log.log('warn', 'sign-in failed', { error });
      this.opts.onChange(this.status());
    }
  }

  private async verify(idp: Idp, idToken: string): Promise<Record<string, unknown>> {
    const check = async (): Promise<Record<string, unknown>> =>
      verifyIdToken(idToken, {
        issuer: idp.settings.issuer,
        audience: idp.settings.clientId,
        jwks: await idp.jwks(),
      });
    try {
      return await check();
    } catch (e) {
      // Keys rotate: one more look at the key set before calling a signature bad.
      if (e instanceof IdTokenError && e.problem === 'signature') return check();
      throw e;
    }
  }

  private schedule(credentialsExpire: Date, idTokenExpires: Date | undefined): void {
    clearTimeout(this.timer);
    const now = Date.now();
    const until = Math.min(credentialsExpire.getTime(), idTokenExpires?.getTime() ?? Infinity) - now;
    const delay = Math.max(1_000, Math.floor(until * (this.opts.refreshAt ?? 0.8)));
    const generation = this.generation;
    this.timer = setTimeout(() => {
      const s = this.state;
      if (s.kind !== 'signed-in' || generation !== this.generation) return;
      this.inflight ??= this.renew(s.refreshToken, generation).finally(() => (this.inflight = undefined));
    }, delay);
    this.timer.unref();
  }
}
