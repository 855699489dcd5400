import { isRegion, regionProblem } from '../aws/region';
import type { AgentEnv } from '../protocol';

/** Variables that would point an agent at real credentials: a task shell must not have them. */
export const REAL_CREDENTIAL_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
] as const;

const LOOPBACK = '127.0.0.1,localhost,::1';

export function agentEnv(opts: {
  readonly port: number;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** The local CA certificate of proxy mode; without it the proxy variables are left out. */
  readonly caBundle?: string;
}): AgentEnv {
  // The gateway checks its region at start; a task must never carry one that could name a host.
  if (!isRegion(opts.region)) throw new Error(regionProblem(opts.region, 'the gateway configuration'));
  const proxy = `http://127.0.0.1:${opts.port}`;
  return {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${opts.port}`,
    // Proxy mode, for clients that ignore AWS_ENDPOINT_URL (AWS CLI <= 2.12, boto3 <= 1.27,
    // Terraform). NO_PROXY keeps loopback direct, so endpoint-mode calls never go through CONNECT.
    ...(opts.caBundle !== undefined
      ? {
          HTTPS_PROXY: proxy,
          https_proxy: proxy,
          AWS_CA_BUNDLE: opts.caBundle,
          NO_PROXY: LOOPBACK,
          no_proxy: LOOPBACK,
        }
      : {}),
    AWS_ACCESS_KEY_ID: opts.accessKeyId,
    AWS_SECRET_ACCESS_KEY: opts.secretAccessKey,
    AWS_REGION: opts.region,
    // botocore (AWS CLI v1, boto3) reads the region from here, not AWS_REGION.
    AWS_DEFAULT_REGION: opts.region,
    // Never let an SDK fall back to instance metadata for credentials.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
