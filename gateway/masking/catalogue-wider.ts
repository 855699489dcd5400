import type { CatalogueEntry } from './catalogue';
import { fieldSpec as f } from './field-path';

const b64 = { base64: true } as const;
/** Temporary AWS credentials as the newer (camel-case) and older APIs spell them. */
const KEY_AND_TOKEN = (at: string) => [f(`${at}.SecretAccessKey`), f(`${at}.SessionToken`)];

/**
 * Secrets of the wider AWS that answers carry (found by reading the AWS model for sensitive
 * members): temporary credentials a service hands out for its own jobs, app client secrets, MFA
 * seeds, one-time passwords and tokens. Masked like the core catalogue's (catalogue.ts), so every
 * answer of these operations is read before the agent gets a byte and withheld when it cannot be.
 */
export const WIDER_CATALOGUE: readonly CatalogueEntry[] = [
  {
    service: 'codepipeline',
    operations: ['PollForJobs', 'GetJobDetails', 'GetThirdPartyJobDetails'],
    response: KEY_AND_TOKEN('artifactCredentials'),
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['CreateUserPoolClient', 'DescribeUserPoolClient', 'UpdateUserPoolClient'],
    response: [f('UserPoolClient.ClientSecret')],
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['AssociateSoftwareToken'],
    response: [f('SecretCode'), f('Session')],
  },
  {
    service: 'iam',
    operations: ['CreateVirtualMFADevice', 'ListVirtualMFADevices'],
    response: [f('Base32StringSeed', b64), f('QRCodePNG', b64)],
  },
  { service: 's3', operations: ['CreateSession'], response: KEY_AND_TOKEN('Credentials') },
  { service: 's3control', operations: ['GetDataAccess'], response: KEY_AND_TOKEN('Credentials') },
  { service: 'eksauth', operations: ['AssumeRoleForPodIdentity'], response: KEY_AND_TOKEN('credentials') },
  {
    service: 'datazone',
    operations: ['GetEnvironmentCredentials'],
    response: [f('secretAccessKey'), f('sessionToken')],
  },
  {
    service: 'finspacedata',
    operations: ['GetProgrammaticAccessCredentials', 'GetExternalDataViewAccessDetails'],
    response: KEY_AND_TOKEN('credentials'),
  },
  { service: 'finspacedata', operations: ['ResetUserPassword'], response: [f('temporaryPassword')] },
  {
    service: 'gamelift',
    operations: ['RequestUploadCredentials', 'CreateBuild'],
    response: KEY_AND_TOKEN('UploadCredentials'),
  },
  { service: 'gamelift', operations: ['GetComputeAccess'], response: KEY_AND_TOKEN('Credentials') },
  {
    service: 'gamelift',
    operations: ['GetInstanceAccess'],
    response: [f('InstanceAccess.Credentials.Secret')],
  },
  {
    service: 'emr',
    operations: ['GetClusterSessionCredentials'],
    response: [f('Credentials.UsernamePassword.Password')],
  },
  {
    service: 'connect',
    operations: ['GetFederationToken'],
    response: [f('Credentials.AccessToken'), f('Credentials.RefreshToken')],
  },
  { service: 'ssooidc', operations: ['RegisterClient'], response: [f('clientSecret')] },
  {
    service: 'lightsail',
    operations: ['GetRelationalDatabaseMasterUserPassword'],
    response: [f('masterUserPassword')],
  },
  {
    service: 'lightsail',
    operations: ['CreateBucketAccessKey', 'GetBucketAccessKeys'],
    response: [f('secretAccessKey')],
  },
  {
    service: 'storagegateway',
    operations: ['DescribeChapCredentials'],
    response: [
      f('ChapCredentials.SecretToAuthenticateInitiator'),
      f('ChapCredentials.SecretToAuthenticateTarget'),
    ],
  },
  {
    service: 'iotsecuretunneling',
    operations: ['OpenTunnel', 'RotateTunnelAccessToken'],
    response: [f('sourceAccessToken'), f('destinationAccessToken')],
  },
  { service: 'mwaa', operations: ['CreateCliToken'], response: [f('CliToken')] },
  { service: 'mwaa', operations: ['CreateWebLoginToken'], response: [f('WebToken')] },
  { service: 'paymentcryptographydata', operations: ['DecryptData'], response: [f('PlainText')] },
  {
    service: 'route53domains',
    operations: ['TransferDomainToAnotherAwsAccount'],
    response: [f('Password')],
  },
  {
    service: 'appstream',
    operations: ['CreateDirectoryConfig', 'DescribeDirectoryConfigs', 'UpdateDirectoryConfig'],
    response: [f('ServiceAccountCredentials.AccountPassword')],
  },
  {
    service: 'amplify',
    operations: [
      'CreateApp',
      'GetApp',
      'ListApps',
      'UpdateApp',
      'DeleteApp',
      'CreateBranch',
      'GetBranch',
      'ListBranches',
      'UpdateBranch',
      'DeleteBranch',
    ],
    response: [f('basicAuthCredentials')],
  },
];
