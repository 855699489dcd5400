import * as client from 'openid-client';
import { type Idp, type TokenSet, tokenSet } from './oidc-discovery';

export interface DevicePrompt {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  readonly expiresInSeconds: number;
}

/**
 * The device authorization grant (RFC 8628), for sessions without a local browser (SSH, a remote
 * container, a headless box): the user opens a URL anywhere and types a code.
 */
export async function signInWithDevice(
  idp: Idp,
  show: (p: DevicePrompt) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<TokenSet> {
  if (!idp.config.serverMetadata().device_authorization_endpoint)
    throw new Error(`${idp.settings.issuer} offers no device authorization; sign in with a browser instead`);
  const d = await client.initiateDeviceAuthorization(idp.config, { scope: idp.settings.scopes.join(' ') });
  await show({
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    verificationUriComplete: d.verification_uri_complete,
    expiresInSeconds: d.expires_in,
  });
  const r = await client.pollDeviceAuthorizationGrant(idp.config, d, undefined, { signal });
  return tokenSet(r);
}
