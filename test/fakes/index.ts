import { startDynamoDbBackend, startS3Backend, type HttpBackend } from './backends';
import { newCredentials, randomChars, type FakeCredentials } from './credentials';
import { createEc2Stub } from './stubs/ec2';
import { createIamStub } from './stubs/iam';
import { createLambdaStub } from './stubs/lambda';
import { createSecretsManagerStub } from './stubs/secretsmanager';
import { createSqsStub } from './stubs/sqs';
import { createStsStub, newAssumedRoleCredentials, type AssumedRoleCredentials } from './stubs/sts';
import type { FakeIdentity, ReceivedCall, ServiceStub, StubRequest, StubResponse } from './types';
import { makeTestTls } from './tls';
import { startVerifyingFront } from './verifying-front';
import { FakeWebIdentitySts, type WebIdentityStsOptions } from './web-identity-sts';

export type { ReceivedCall } from './types';
export type { FakeCredentials } from './credentials';
export type { AssumedRoleCredentials } from './stubs/sts';

export interface FakeAwsOptions {
  /** SecretString GetSecretValue returns for the planted secret (a canary for masking tests). */
  secretValue?: string;
  secretName?: string;
  /** Environment Variables of the planted Lambda function. */
  lambdaEnvironment?: Record<string, string>;
  lambdaFunctionName?: string;
  accountId?: string;
  /** IAM user name in GetCallerIdentity's ARN. */
  userName?: string;
  /** Serve HTTPS (certificate for 127.0.0.1 from a CA made now; see `caPem`). */
  tls?: boolean;
  /** Origin of the SQS queue URLs the fake hands out (default https://sqs.<region>.amazonaws.com). */
  sqsQueueUrlOrigin?: (region: string) => string;
  /** Answers chosen by the test for verified non-S3 calls, before any stub (masking canaries). */
  canned?: (service: string, req: StubRequest) => StubResponse | undefined;
  /** OIDC mode: STS trusts this issuer and client for this role (accountId comes from the fake). */
  webIdentity?: Omit<WebIdentityStsOptions, 'accountId'>;
}

/** Values planted in responses, so tests can look for them (or for their absence) downstream. */
export interface FakePlanted {
  secretName: string;
  secretValue: string;
  lambdaFunctionName: string;
  lambdaEnvironment: Record<string, string>;
  /** What STS AssumeRole returns. */
  assumedRole: AssumedRoleCredentials;
}

export interface FakeAws {
  /** Base URL of the verifying front, e.g. http://127.0.0.1:40123 (give it to --upstream). */
  url: string;
  /** With `tls`: the CA that issued the front's certificate (give it to --upstream-ca). */
  caPem?: string;
  port: number;
  /** The only credentials the front accepts (the gateway's "real" AWS credentials in tests). */
  credentials: FakeCredentials;
  accountId: string;
  userName: string;
  /** arn:aws:iam::ACCOUNT:user/USER, as GetCallerIdentity reports it. */
  callerArn: string;
  planted: FakePlanted;
  /** Every request that reached the front, in arrival order (the array is cleared in place by reset). */
  received: ReceivedCall[];
  /** With `webIdentity`: the STS that checks tokens and task sessions. */
  webIdentitySts?: FakeWebIdentitySts;
  /** Forgets received calls and restores the stubs' in-memory state; S3 objects and DynamoDB tables stay. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAws(opts: FakeAwsOptions = {}): Promise<FakeAws> {
  const credentials = newCredentials();
  const identity: FakeIdentity = {
    accountId: opts.accountId ?? '123456789012',
    userName: opts.userName ?? 'airlock-test',
    accessKeyId: credentials.accessKeyId,
  };
  const planted: FakePlanted = {
    secretName: opts.secretName ?? 'airlock/test/db-password',
    secretValue:
      opts.secretValue ?? `airlock-canary-secret-${randomChars('abcdefghijklmnopqrstuvwxyz0123456789', 16)}`,
    lambdaFunctionName: opts.lambdaFunctionName ?? 'airlock-canary-fn',
    lambdaEnvironment: opts.lambdaEnvironment ?? {
      DB_PASSWORD: `airlock-canary-lambda-${randomChars('abcdefghijklmnopqrstuvwxyz0123456789', 16)}`,
      STAGE: 'test',
    },
    assumedRole: newAssumedRoleCredentials(),
  };
  const stubList: ServiceStub[] = [
    createStsStub(identity, planted.assumedRole),
    createIamStub(identity),
    createEc2Stub(identity),
    createLambdaStub(identity, {
      functionName: planted.lambdaFunctionName,
      environment: planted.lambdaEnvironment,
    }),
    createSecretsManagerStub(identity, { name: planted.secretName, value: planted.secretValue }),
    createSqsStub(identity, opts.sqsQueueUrlOrigin ? { queueUrlOrigin: opts.sqsQueueUrlOrigin } : {}),
  ];
  const stubs = new Map(stubList.map((s) => [s.signingName, s]));

  const backends: HttpBackend[] = [];
  const closeBackends = async (): Promise<void> => {
    await Promise.allSettled(backends.map((b) => b.close()));
  };
  try {
    const [s3, dynamodb] = await Promise.all([
      startS3Backend().then((b) => (backends.push(b), b)),
      startDynamoDbBackend().then((b) => (backends.push(b), b)),
    ]);
    const received: ReceivedCall[] = [];
    const webIdentitySts = opts.webIdentity
      ? new FakeWebIdentitySts({ ...opts.webIdentity, accountId: identity.accountId })
      : undefined;
    const tls = opts.tls ? makeTestTls(['127.0.0.1', 'localhost'], 'Airlock fake AWS test CA') : undefined;
    const front = await startVerifyingFront({
      ...(tls ? { tls } : {}),
      credentials,
      received,
      s3Port: s3.port,
      dynamodbPort: dynamodb.port,
      stubs,
      canned: opts.canned,
      webIdentitySts,
    });
    let closing: Promise<void> | undefined;
    return {
      url: front.url,
      ...(tls ? { caPem: tls.caPem } : {}),
      port: front.port,
      credentials,
      accountId: identity.accountId,
      userName: identity.userName,
      callerArn: `arn:aws:iam::${identity.accountId}:user/${identity.userName}`,
      planted,
      received,
      webIdentitySts,
      reset() {
        received.length = 0;
        for (const stub of stubList) stub.reset();
      },
      close() {
        closing ??= front.close().then(closeBackends);
        return closing;
      },
    };
  } catch (err) {
    await closeBackends();
    throw err;
  }
}
