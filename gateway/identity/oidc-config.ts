/**
 * OIDC sign-in settings: which issuer, which client, which AWS role the signed-in user's ID token
 * is exchanged for. Pure: the gateway flags, the CLI's config file and the extension's
 * `airlock.oidc.*` settings all end here.
 */
export interface OidcConfig {
  /** The issuer URL exactly as the IdP names itself (`iss`). */
  readonly issuer: string;
  /** The public (native) client registered for Airlock at the IdP. */
  readonly clientId: string;
  /** The role STS AssumeRoleWithWebIdentity gives the signed-in user (and per-task sessions come from). */
  readonly roleArn: string;
  /** Scopes asked for; `openid` and `offline_access` are always added. */
  readonly scopes: readonly string[];
}

export const DEFAULT_SCOPES = ['openid', 'email', 'profile', 'groups', 'offline_access'] as const;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

/** Plain http is allowed only on loopback (a test or a local IdP); anything else must be https. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

export interface OidcConfigInput {
  readonly issuer?: unknown;
  readonly clientId?: unknown;
  readonly roleArn?: unknown;
  readonly scopes?: unknown;
}

/** Validates a partial setting set; undefined when none of issuer/clientId/roleArn is given (profile mode). */
export function parseOidcConfig(input: OidcConfigInput, source: string): OidcConfig | undefined {
  const { issuer, clientId, roleArn, scopes } = input;
  const given = [issuer, clientId, roleArn].filter((v) => v !== undefined && v !== '');
  if (given.length === 0) return undefined;
  if (typeof issuer !== 'string' || issuer === '')
    throw new OidcConfigError(`${source}: an OIDC issuer URL is needed (with the client id and role ARN).`);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new OidcConfigError(`${source}: the OIDC issuer is not a URL: ${issuer}`);
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url))
    throw new OidcConfigError(`${source}: the OIDC issuer must be https:// (got ${issuer}).`);
  if (typeof clientId !== 'string' || clientId === '')
    throw new OidcConfigError(`${source}: an OIDC client id is needed (the client registered for Airlock).`);
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn))
    throw new OidcConfigError(
      `${source}: the AWS role ARN must look like arn:aws:iam::123456789012:role/NAME (got ${String(roleArn)}).`,
    );
  let extra: string[] = [];
  if (scopes !== undefined) {
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string' && /^\S+$/.test(s)))
      throw new OidcConfigError(`${source}: scopes must be a list of scope names.`);
    extra = scopes;
  }
  const all = extra.length > 0 ? ['openid', ...extra, 'offline_access'] : [...DEFAULT_SCOPES];
  return { issuer, clientId, roleArn, scopes: [...new Set(all)] };
}
