import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test IdP knows; the dev login form accepts any password for them. */
export interface TestUser {
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export interface TestIdp {
  /** The issuer URL (http://127.0.0.1:PORT). */
  readonly issuer: string;
  readonly clientId: string;
  readonly users: Map<string, TestUser>;
  /** Every token endpoint request's grant_type, in order (refreshes are counted from it). */
  readonly grants: string[];
  close(): Promise<void>;
}

export interface TestIdpOptions {
  readonly clientId?: string;
  /** ID token lifetime in seconds (default 300). */
  readonly idTokenTtl?: number;
  readonly users?: readonly TestUser[];
  /**
   * true: every refresh issues a new refresh token and spends the old one (presenting a spent one
   * revokes the grant, as oidc-provider does); false: never. Absent: oidc-provider's default.
   */
  readonly rotateRefreshTokens?: boolean;
}

/**
 * A real OpenID provider (oidc-provider, dev interactions) on loopback: one public native client
 * with code + PKCE, device flow and refresh tokens; claims email and groups in the ID token.
 */
export async function startTestIdp(opts: TestIdpOptions = {}): Promise<TestIdp> {
  const clientId = opts.clientId ?? 'airlock-test';
  const users = new Map<string, TestUser>(
    (opts.users ?? [{ sub: 'alice', email: 'alice@example.test', groups: ['platform-admins'] }]).map((u) => [
      u.sub,
      u,
    ]),
  );
  const grants: string[] = [];
  const rotate = opts.rotateRefreshTokens;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Its own signing key: oidc-provider's built-in development keys are the same in every instance.
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...key, kid: randomUUID(), use: 'sig', alg: 'RS256' }] },
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'groups', 'profile'],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    ttl: {
      Grant: 3600,
      IdToken: opts.idTokenTtl ?? 300,
      AccessToken: 300,
      RefreshToken: 3600,
      DeviceCode: 120,
      Session: 3600,
    },
    issueRefreshToken: (_ctx, client) => Promise.resolve(client.grantTypeAllowed('refresh_token')),
    ...(rotate !== undefined ? { rotateRefreshToken: () => rotate } : {}),
    findAccount: (_ctx, sub) => {
      const u = users.get(sub) ?? { sub, email: `${sub}@example.test`, groups: [] };
      return {
        accountId: sub,
        claims: () => ({ sub, email: u.email, email_verified: true, groups: [...u.groups], name: sub }),
      };
    },
    cookies: { keys: ['airlock-test-cookie-key'] },
  });
  provider.on('grant.success', (ctx: { oidc: { params?: { grant_type?: string } } }) => {
    grants.push(String(ctx.oidc.params?.grant_type));
  });
  const callback = provider.callback();
  server.on('request', callback);
  return {
    issuer,
    clientId,
    users,
    grants,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
