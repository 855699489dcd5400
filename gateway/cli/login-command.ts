import { parseArgs } from 'node:util';
import { ControlClient, ControlClientError } from '../control/control-client';
import { displayName } from '../identity/identity-claims';
import { type OidcConfig, parseOidcConfig } from '../identity/oidc-config';
import { discoverIdp } from '../identity/oidc-discovery';
import { signInWithBrowser } from '../identity/loopback-sign-in';
import { signInWithDevice } from '../identity/device-sign-in';
import { refreshTokenPath, removeRefreshToken, writeRefreshToken } from '../identity/refresh-token-file';
import type { IdentityStatus } from '../protocol';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { OIDC_FLAGS, oidcFromFlags } from './oidc-options';
import { hasLocalBrowser, openBrowser } from './open-browser';

const say = (s: string): boolean => process.stderr.write(s + '\n');

async function gateway(dataDir: string): Promise<ControlClient | undefined> {
  try {
    return await ControlClient.fromDataDir(dataDir);
  } catch (e) {
    if (e instanceof ControlClientError && e.code === 'GatewayNotRunning') return undefined;
    throw e;
  }
}

function describe(s: IdentityStatus): string {
  if (s.mode === 'profile')
    return 'profile mode: the gateway re-signs with an AWS profile (no sign-in configured)';
  if (s.state === 'signed-in' && s.identity)
    return `signed in as ${displayName(s.identity)} (${s.issuer}); groups: ${s.identity.groups.join(', ') || 'none'}; AWS role ${s.roleArn}; credentials until ${s.expiresAt}`;
  if (s.state === 'failed') return `signed out: ${s.error}`;
  return `signed out (${s.issuer}); run: airlock login`;
}

/** The settings of the running gateway, so `airlock login` needs no flags next to one. */
function fromStatus(s: IdentityStatus): OidcConfig | undefined {
  if (s.mode !== 'oidc') return undefined;
  return parseOidcConfig(
    { issuer: s.issuer, clientId: s.clientId, roleArn: s.roleArn, scopes: s.scopes },
    'the gateway',
  );
}

/** `airlock login | logout | whoami`. Tokens never reach the terminal. */
export async function runLoginCommand(
  command: 'login' | 'logout' | 'whoami',
  args: string[],
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      device: { type: 'boolean', default: false },
      'no-browser': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...OIDC_FLAGS,
    },
    strict: true,
  });
  const dataDir = resolveDataDir(values['data-dir']);
  const client = await gateway(dataDir);
  const report = (s: IdentityStatus): number => {
    process.stdout.write((values.json ? JSON.stringify(s, null, 2) : describe(s)) + '\n');
    return command === 'whoami' && s.mode === 'oidc' && s.state !== 'signed-in' ? 1 : 0;
  };
  if (command === 'whoami') {
    if (!client) throw new CliError(`No Airlock gateway is running for ${dataDir}.`);
    return report(await client.identity());
  }
  if (command === 'logout') {
    await removeRefreshToken(dataDir);
    if (client) return report(await client.signOut());
    say('signed out (the stored refresh token is removed)');
    return 0;
  }
  const settings =
    (await oidcFromFlags(values)) ?? (client ? fromStatus(await client.identity()) : undefined);
  if (!settings)
    throw new CliError(
      'Nothing to sign in to: give --oidc-issuer, --oidc-client-id and --oidc-role-arn (or --oidc-config FILE), or start the gateway with them.',
      2,
    );
  const idp = await discoverIdp(settings);
  // Headless (SSH, no display): the device flow when the IdP offers it, else the printed URL.
  const device =
    values.device ||
    (!values['no-browser'] &&
      !hasLocalBrowser() &&
      Boolean(idp.config.serverMetadata().device_authorization_endpoint));
  const tokens = device
    ? await signInWithDevice(idp, (p) => {
        say(`To sign in, open ${p.verificationUri} and enter the code ${p.userCode}`);
        if (p.verificationUriComplete) say(`(or open ${p.verificationUriComplete})`);
      })
    : await signInWithBrowser(idp, {
        open: (url) => {
          say(`Sign in to Airlock in your browser. If it does not open, visit:\n${url}`);
          if (!values['no-browser']) openBrowser(url);
        },
      });
  if (!tokens.refreshToken)
    throw new CliError(
      `${settings.issuer} issued no refresh token: allow the offline_access scope (and refresh tokens) for client ${settings.clientId}.`,
    );
  await writeRefreshToken(dataDir, {
    issuer: settings.issuer,
    clientId: settings.clientId,
    refreshToken: tokens.refreshToken,
  });
  say(`refresh token stored in ${refreshTokenPath(dataDir)} (mode 0600)`);
  if (!client) {
    say('no gateway is running: it signs in with this when it starts');
    return 0;
  }
  const status = await client.reloadIdentity();
  report(status);
  return status.state === 'signed-in' ? 0 : 1;
}
