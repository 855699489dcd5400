import * as vscode from 'vscode';
import { signInWithDevice } from '../../gateway/identity/device-sign-in';
import { signInWithBrowser } from '../../gateway/identity/loopback-sign-in';
import { parseOidcConfig, type OidcConfig } from '../../gateway/identity/oidc-config';
import { discoverIdp } from '../../gateway/identity/oidc-discovery';
import type { IdentityStatus, RefreshTokenLine } from '../../gateway/protocol';
import type { AirlockClient } from '../control/airlock-client';
import type { GatewaySettings } from '../gateway/gateway-args';
import { refreshTokenSecretKey as secretKey, storeRotatedRefreshToken } from './refresh-token-secret';

export const AUTH_PROVIDER_ID = 'airlock';

function sessionOf(s: IdentityStatus): vscode.AuthenticationSession | undefined {
  if (s.state !== 'signed-in' || !s.identity) return undefined;
  return {
    id: `${s.issuer ?? ''} ${s.identity.subject}`,
    // The tokens stay with the gateway: nothing usable is handed to other extensions.
    accessToken: '',
    account: { id: s.identity.subject, label: s.identity.email ?? s.identity.subject },
    scopes: [],
  };
}

export interface AuthProviderDeps {
  readonly secrets: vscode.SecretStorage;
  readonly client: () => AirlockClient | undefined;
  readonly settings: () => GatewaySettings;
  readonly log: vscode.LogOutputChannel;
  readonly onStatus: (s: IdentityStatus) => void;
}

/**
 * The Accounts-menu side of OIDC mode: signs in in the editor (code + PKCE through the system
 * browser; the device flow in remote windows), keeps the refresh token in SecretStorage and hands
 * it to the gateway, which alone holds ID tokens and AWS credentials.
 */
export class AirlockAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed =
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private current: vscode.AuthenticationSession | undefined;

  constructor(private readonly deps: AuthProviderDeps) {}

  dispose(): void {
    this.changed.dispose();
  }

  private config(): OidcConfig {
    const s = this.deps.settings();
    const c = parseOidcConfig(
      { issuer: s.oidcIssuer, clientId: s.oidcClientId, roleArn: s.oidcRoleArn },
      'the airlock.oidc settings',
    );
    if (!c)
      throw new Error('Set airlock.oidc.issuer, airlock.oidc.clientId and airlock.oidc.roleArn to sign in.');
    return c;
  }

  getSessions(): Promise<vscode.AuthenticationSession[]> {
    return Promise.resolve(this.current ? [this.current] : []);
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const client = this.deps.client();
    if (!client) throw new Error('The Airlock gateway is not running; sign in once it is.');
    const config = this.config();
    const tokens = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Airlock: signing in…', cancellable: true },
      async (_p, cancel) => {
        const abort = new AbortController();
        cancel.onCancellationRequested(() => abort.abort());
        const idp = await discoverIdp(config);
        // A remote window's loopback is not the user's browser's: the device flow works anywhere.
        if (vscode.env.remoteName && idp.config.serverMetadata().device_authorization_endpoint)
          return signInWithDevice(
            idp,
            (d) => {
              void vscode.window
                .showInformationMessage(`Airlock: enter ${d.userCode} at ${d.verificationUri}`, 'Open')
                .then(
                  (pick) =>
                    pick &&
                    vscode.env.openExternal(vscode.Uri.parse(d.verificationUriComplete ?? d.verificationUri)),
                );
            },
            abort.signal,
          );
        return signInWithBrowser(idp, {
          open: async (url) => {
            await vscode.env.openExternal(vscode.Uri.parse(url, true));
          },
          signal: abort.signal,
        });
      },
    );
    if (!tokens.refreshToken)
      throw new Error(
        `${config.issuer} issued no refresh token: allow offline_access for client ${config.clientId}.`,
      );
    await this.deps.secrets.store(secretKey(config), tokens.refreshToken);
    const status = await client.signIn(tokens.refreshToken);
    this.update(status);
    if (!this.current) throw new Error(`Airlock could not sign in: ${status.error ?? status.state}`);
    return this.current;
  }

  async removeSession(): Promise<void> {
    await this.deps.secrets.delete(secretKey(this.config()));
    const client = this.deps.client();
    this.update(client ? await client.signOut() : { mode: 'oidc', state: 'signed-out' });
  }

  /** A (re)started gateway is signed out: it gets the stored refresh token again. */
  async gatewayReady(client: AirlockClient): Promise<void> {
    let status = await client.identity();
    if (status.mode === 'oidc' && status.state !== 'signed-in') {
      const token = await this.deps.secrets.get(secretKey(this.config()));
      if (token) status = await client.signIn(token);
    }
    this.update(status);
  }

  /** The gateway refreshed the sign-in and the IdP rotated the refresh token (a gateway stdout line). */
  async refreshTokenRotated(line: RefreshTokenLine): Promise<void> {
    let configured: OidcConfig | undefined;
    try {
      configured = this.config();
    } catch {
      configured = undefined;
    }
    const stored = await storeRotatedRefreshToken(this.deps.secrets, configured, line);
    this.deps.log.info(
      stored
        ? 'the IdP rotated the refresh token: the new one is in SecretStorage'
        : 'a rotated refresh token for another issuer or client, or after sign-out: not stored',
    );
  }

  /** From GET /identity or an `identity.changed` event. */
  update(status: IdentityStatus): void {
    const next = sessionOf(status);
    const before = this.current;
    this.current = next;
    if (before?.id !== next?.id)
      this.changed.fire({
        added: next ? [next] : [],
        removed: before ? [before] : [],
        changed: [],
      });
    this.deps.onStatus(status);
  }
}
