import { WIDER_CATALOGUE } from './catalogue-wider';
import { fieldSpec as f } from './field-path';
import type { FieldSpec } from './types';

/**
 * The built-in catalogue of secret-bearing fields, keyed by service model id and operation
 * (DESIGN.md section 5). Response fields are masked for the agent and in the recording; request
 * fields (secrets the agent sends, e.g. PutSecretValue's SecretString) only in the recording,
 * since AWS needs the real value. Paths match the end of a value's path (see FieldSpec), so one
 * entry covers the JSON and the XML shape of an answer and every list position.
 */
export interface CatalogueEntry {
  readonly service: string;
  /** Operation names, or '*' for every operation of the service. */
  readonly operations: readonly string[] | '*';
  readonly response?: readonly FieldSpec[];
  readonly request?: readonly FieldSpec[];
}

const b64 = { base64: true } as const;
const STS_CREDENTIALS = [f('Credentials.SecretAccessKey'), f('Credentials.SessionToken')];
const COGNITO_TOKENS = [
  f('AuthenticationResult.AccessToken'),
  f('AuthenticationResult.IdToken'),
  f('AuthenticationResult.RefreshToken'),
  f('Session'),
];
const RDS_PASSWORD = [f('MasterUserPassword'), f('NewMasterUserPassword')];
const LAMBDA_ENV = [f('Environment.Variables.*')];

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    service: 'secretsmanager',
    operations: ['GetSecretValue', 'BatchGetSecretValue'],
    response: [f('SecretString'), f('SecretBinary', b64)],
  },
  { service: 'secretsmanager', operations: ['GetRandomPassword'], response: [f('RandomPassword')] },
  {
    service: 'secretsmanager',
    operations: ['CreateSecret', 'PutSecretValue', 'UpdateSecret'],
    request: [f('SecretString'), f('SecretBinary')],
  },
  {
    service: 'ssm',
    operations: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory'],
    // Plain String parameters are configuration the agent may need; SecureString ones are secrets
    // (decrypted with WithDecryption, ciphertext otherwise: masked either way). A parameter that
    // references another service (`/aws/reference/secretsmanager/...`) also carries that service's
    // raw answer, GetSecretValue's SecretString included, as SourceResult.
    response: [f('Value', { when: { sibling: 'Type', equals: 'SecureString' } }), f('SourceResult')],
  },
  {
    service: 'ssm',
    operations: ['PutParameter'],
    // Overwriting a parameter may leave Type out (it keeps its type, SecureString included): the
    // value is kept in clear only when the request itself says it is a plain one.
    request: [f('Value', { unless: { sibling: 'Type', oneOf: ['String', 'StringList'] } })],
  },
  {
    service: 'sts',
    operations: [
      'AssumeRole',
      'AssumeRoleWithSAML',
      'AssumeRoleWithWebIdentity',
      'AssumeRoot',
      'GetSessionToken',
      'GetFederationToken',
    ],
    response: STS_CREDENTIALS,
  },
  { service: 'sts', operations: ['AssumeRoleWithWebIdentity'], request: [f('WebIdentityToken')] },
  { service: 'sts', operations: ['AssumeRoleWithSAML'], request: [f('SAMLAssertion')] },
  { service: 'iam', operations: ['CreateAccessKey'], response: [f('AccessKey.SecretAccessKey')] },
  {
    service: 'iam',
    operations: ['CreateServiceSpecificCredential', 'ResetServiceSpecificCredential'],
    response: [f('ServiceSpecificCredential.ServicePassword')],
  },
  { service: 'iam', operations: ['CreateLoginProfile', 'UpdateLoginProfile'], request: [f('Password')] },
  { service: 'iam', operations: ['ChangePassword'], request: [f('OldPassword'), f('NewPassword')] },
  { service: 'iam', operations: ['UploadServerCertificate'], request: [f('PrivateKey')] },
  {
    service: 'kms',
    operations: ['Decrypt', 'GenerateDataKey', 'GenerateRandom'],
    response: [f('Plaintext', b64)],
  },
  {
    service: 'kms',
    operations: ['GenerateDataKeyPair'],
    response: [f('PrivateKeyPlaintext', b64)],
  },
  { service: 'kms', operations: ['DeriveSharedSecret'], response: [f('SharedSecret', b64)] },
  { service: 'kms', operations: ['Encrypt'], request: [f('Plaintext')] },
  {
    service: 'ecr',
    operations: ['GetAuthorizationToken'],
    response: [f('authorizationData.authorizationToken', b64)],
  },
  {
    service: 'ecrpublic',
    operations: ['GetAuthorizationToken'],
    response: [f('authorizationData.authorizationToken', b64)],
  },
  { service: 'codeartifact', operations: ['GetAuthorizationToken'], response: [f('authorizationToken')] },
  { service: 'ec2', operations: ['GetPasswordData'], response: [f('passwordData')] },
  { service: 'ec2', operations: ['CreateKeyPair'], response: [f('keyMaterial')] },
  {
    service: 'lambda',
    operations: [
      'GetFunction',
      'GetFunctionConfiguration',
      'ListFunctions',
      'ListVersionsByFunction',
      'CreateFunction',
      'UpdateFunctionConfiguration',
      'UpdateFunctionCode',
      'PublishVersion',
    ],
    response: LAMBDA_ENV,
  },
  {
    service: 'lambda',
    operations: ['CreateFunction', 'UpdateFunctionConfiguration'],
    request: LAMBDA_ENV,
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: [
      'InitiateAuth',
      'AdminInitiateAuth',
      'RespondToAuthChallenge',
      'AdminRespondToAuthChallenge',
      'GetTokensFromRefreshToken',
    ],
    response: COGNITO_TOKENS,
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['InitiateAuth', 'AdminInitiateAuth', 'GetTokensFromRefreshToken'],
    request: [
      f('AuthParameters.PASSWORD'),
      f('AuthParameters.REFRESH_TOKEN'),
      f('AuthParameters.SECRET_HASH'),
      f('RefreshToken'),
      f('ClientSecret'),
    ],
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['RespondToAuthChallenge', 'AdminRespondToAuthChallenge'],
    request: [f('ChallengeResponses.PASSWORD'), f('ChallengeResponses.NEW_PASSWORD'), f('Session')],
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['SignUp', 'ConfirmForgotPassword', 'AdminSetUserPassword'],
    request: [f('Password')],
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['ChangePassword'],
    request: [f('PreviousPassword'), f('ProposedPassword'), f('AccessToken')],
  },
  {
    service: 'cognitoidentityserviceprovider',
    operations: ['AdminCreateUser'],
    request: [f('TemporaryPassword')],
  },
  {
    service: 'cognitoidentity',
    operations: ['GetCredentialsForIdentity'],
    response: [f('Credentials.SecretKey'), f('Credentials.SessionToken')],
  },
  {
    service: 'cognitoidentity',
    operations: ['GetOpenIdToken', 'GetOpenIdTokenForDeveloperIdentity'],
    response: [f('Token')],
  },
  {
    service: 'redshift',
    operations: ['GetClusterCredentials', 'GetClusterCredentialsWithIAM'],
    response: [f('DbPassword')],
  },
  { service: 'redshift', operations: ['CreateCluster', 'ModifyCluster'], request: [f('MasterUserPassword')] },
  { service: 'redshiftserverless', operations: ['GetCredentials'], response: [f('dbPassword')] },
  {
    service: 'redshiftserverless',
    operations: ['CreateNamespace', 'UpdateNamespace'],
    request: [f('adminUserPassword')],
  },
  {
    service: 'rds',
    operations: ['CreateDBInstance', 'CreateDBCluster', 'ModifyDBInstance', 'ModifyDBCluster'],
    request: RDS_PASSWORD,
  },
  { service: 'docdb', operations: ['CreateDBCluster', 'ModifyDBCluster'], request: RDS_PASSWORD },
  { service: 'neptune', operations: ['CreateDBCluster', 'ModifyDBCluster'], request: RDS_PASSWORD },
  {
    service: 'sso',
    operations: ['GetRoleCredentials'],
    response: [f('roleCredentials.secretAccessKey'), f('roleCredentials.sessionToken')],
  },
  { service: 'sso', operations: '*', request: [f('accessToken')] },
  {
    service: 'ssooidc',
    operations: ['CreateToken', 'CreateTokenWithIAM'],
    response: [f('accessToken'), f('refreshToken'), f('idToken')],
  },
  {
    service: 'ssooidc',
    operations: ['CreateToken', 'CreateTokenWithIAM'],
    request: [f('clientSecret'), f('refreshToken'), f('code'), f('codeVerifier'), f('assertion')],
  },
  {
    service: 'apigateway',
    operations: ['GetApiKey', 'GetApiKeys', 'CreateApiKey', 'UpdateApiKey'],
    response: [f('value')],
  },
  { service: 'apigateway', operations: ['CreateApiKey'], request: [f('value')] },
  {
    service: 'glue',
    operations: ['GetConnection', 'GetConnections'],
    response: [f('ConnectionProperties.PASSWORD'), f('ConnectionProperties.ENCRYPTED_PASSWORD')],
  },
  {
    service: 'glue',
    operations: ['CreateConnection', 'UpdateConnection'],
    request: [f('ConnectionInput.ConnectionProperties.PASSWORD')],
  },
  {
    service: 'iot',
    operations: ['CreateKeysAndCertificate', 'CreateProvisioningClaim'],
    response: [f('keyPair.PrivateKey')],
  },
  {
    service: 'acm',
    operations: ['ExportCertificate'],
    response: [f('PrivateKey')],
    request: [f('Passphrase')],
  },
  {
    service: 'lightsail',
    operations: ['GetInstanceAccessDetails'],
    response: [f('accessDetails.password'), f('accessDetails.privateKey'), f('accessDetails.certKey')],
  },
  {
    service: 'lightsail',
    operations: ['CreateKeyPair', 'DownloadDefaultKeyPair'],
    response: [f('privateKeyBase64')],
  },
  {
    service: 'elasticache',
    operations: ['CreateUser', 'ModifyUser'],
    request: [f('Passwords'), f('AuthToken')],
  },
  {
    service: 'elasticache',
    operations: [
      'CreateReplicationGroup',
      'ModifyReplicationGroup',
      'CreateCacheCluster',
      'ModifyCacheCluster',
    ],
    request: [f('AuthToken')],
  },
  { service: 'mq', operations: ['CreateUser', 'UpdateUser', 'CreateBroker'], request: [f('password')] },
  {
    service: 'directoryservice',
    operations: ['CreateDirectory', 'CreateMicrosoftAD', 'ResetUserPassword', 'ConnectDirectory'],
    request: [f('Password'), f('NewPassword'), f('ConnectSettings.CustomerPassword')],
  },
  // SSE-C keys travel in headers, which the identify stage reads as parameters of any S3 call.
  {
    service: 's3',
    operations: '*',
    request: [f('SSECustomerKey'), f('CopySourceSSECustomerKey')],
  },
  ...WIDER_CATALOGUE,
];
