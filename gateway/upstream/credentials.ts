import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { GatewayError } from '../errors/gateway-error';

/**
 * The gateway's real credentials: the AWS SDK's default chain of this process (environment,
 * shared config and credentials files, SSO, process, container and instance metadata), or a
 * named profile. The chain memoises and refreshes temporary credentials itself.
 */
export function realCredentials(profile?: string): AwsCredentialIdentityProvider {
  const chain = fromNodeProviderChain(profile ? { profile } : {});
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      return await chain();
    } catch (e) {
      throw new GatewayError(
        'CredentialsUnavailable',
        'Airlock has no AWS credentials to forward this call with' +
          (profile ? ` (profile "${profile}")` : '') +
          `: ${e instanceof Error ? e.message.split('\n')[0] : 'unknown reason'}. Sign in (e.g. aws sso login) and retry.`,
      );
    }
  };
}
