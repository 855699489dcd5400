import { QUERY_NAMESPACES } from '../aws-errors';
import { awsStyleId, awsStyleSecret, randomChars } from '../credentials';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import { isoSeconds, queryOk, queryParams, stubError, unknownOperation, xmlEscape } from './shared';

const NS = QUERY_NAMESPACES['sts'] ?? '';

/** Credentials AssumeRole hands out; fixed per fake so tests can look for them in recordings. */
export interface AssumedRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export function newAssumedRoleCredentials(): AssumedRoleCredentials {
  return {
    accessKeyId: awsStyleId('ASIA'),
    secretAccessKey: awsStyleSecret(),
    sessionToken:
      'FwoGZXIvYXdzE' + randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 200),
  };
}

export function createStsStub(identity: FakeIdentity, assumed: AssumedRoleCredentials): ServiceStub {
  const userId = awsStyleId('AIDA', 17);

  function getCallerIdentity(): StubResponse {
    return queryOk(
      'GetCallerIdentity',
      NS,
      `<Arn>arn:aws:iam::${identity.accountId}:user/${xmlEscape(identity.userName)}</Arn>` +
        `<UserId>${userId}</UserId><Account>${identity.accountId}</Account>`,
    );
  }

  function assumeRole(params: URLSearchParams): StubResponse {
    const roleArn = params.get('RoleArn');
    const session = params.get('RoleSessionName');
    if (!roleArn || !session) {
      return stubError(
        'query',
        'sts',
        'AssumeRole',
        400,
        'ValidationError',
        'RoleArn and RoleSessionName are required',
      );
    }
    const roleName = roleArn.split('/').pop() ?? roleArn;
    const roleId = awsStyleId('AROA', 17);
    const duration = Number(params.get('DurationSeconds') ?? '3600');
    const expiration = isoSeconds(new Date(Date.now() + duration * 1000));
    return queryOk(
      'AssumeRole',
      NS,
      `<AssumedRoleUser><AssumedRoleId>${roleId}:${xmlEscape(session)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${identity.accountId}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(session)}</Arn>` +
        `</AssumedRoleUser><Credentials><AccessKeyId>${assumed.accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>${xmlEscape(assumed.secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${xmlEscape(assumed.sessionToken)}</SessionToken>` +
        `<Expiration>${expiration}</Expiration></Credentials>`,
    );
  }

  return {
    signingName: 'sts',
    reset: () => undefined,
    handle(req: StubRequest): StubResponse {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      if (action === 'GetCallerIdentity') return getCallerIdentity();
      if (action === 'AssumeRole') return assumeRole(params);
      return unknownOperation('query', 'sts', action || 'unknown');
    },
  };
}
