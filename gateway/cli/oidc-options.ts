import { readFile } from 'node:fs/promises';
import { type OidcConfig, OidcConfigError, parseOidcConfig } from '../identity/oidc-config';
import { CliError } from './cli-error';

/** The flags `airlock gateway` and `airlock login` share to name the IdP, client and role. */
export const OIDC_FLAGS = {
  'oidc-config': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-role-arn': { type: 'string' },
} as const;

export interface OidcFlagValues {
  readonly 'oidc-config'?: string;
  readonly 'oidc-issuer'?: string;
  readonly 'oidc-client-id'?: string;
  readonly 'oidc-role-arn'?: string;
}

/**
 * OIDC settings from `--oidc-config FILE` (JSON: issuer, clientId, roleArn, scopes) with any
 * `--oidc-*` flag taking precedence; undefined when none is given (profile mode).
 */
export async function oidcFromFlags(v: OidcFlagValues): Promise<OidcConfig | undefined> {
  let file: Record<string, unknown> = {};
  const path = v['oidc-config'];
  if (path !== undefined) {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not a JSON object');
      file = parsed as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`--oidc-config ${path} could not be read: ${(e as Error).message}`, 2);
    }
  }
  try {
    return parseOidcConfig(
      {
        issuer: v['oidc-issuer'] ?? file.issuer,
        clientId: v['oidc-client-id'] ?? file.clientId,
        roleArn: v['oidc-role-arn'] ?? file.roleArn,
        scopes: file.scopes,
      },
      path ?? 'the --oidc-* flags',
    );
  } catch (e) {
    if (e instanceof OidcConfigError) throw new CliError(e.message, 2);
    throw e;
  }
}
