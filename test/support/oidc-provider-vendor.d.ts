// Minimal typings for oidc-provider (ships none): what the test IdP uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface ProviderClient {
    grantTypeAllowed(type: string): boolean;
  }
  interface Account {
    accountId: string;
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>;
  }
  interface Configuration {
    clients?: Record<string, unknown>[];
    claims?: Record<string, string[]>;
    scopes?: string[];
    conformIdTokenClaims?: boolean;
    features?: Record<string, unknown>;
    ttl?: Record<string, number>;
    cookies?: { keys: string[] };
    rotateRefreshToken?: boolean | ((ctx: unknown) => boolean | Promise<boolean>);
    issueRefreshToken?: (ctx: unknown, client: ProviderClient, code: unknown) => Promise<boolean>;
    findAccount?: (ctx: unknown, sub: string) => Account | Promise<Account | undefined>;
    jwks?: { keys: Record<string, unknown>[] };
  }
  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (ctx: { oidc: { params?: { grant_type?: string } } }) => void): this;
  }
}
