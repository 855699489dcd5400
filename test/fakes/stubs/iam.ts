import { QUERY_NAMESPACES } from '../aws-errors';
import { awsStyleId } from '../credentials';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import { isoSeconds, queryOk, queryParams, stubError, unknownOperation, xmlEscape } from './shared';

const NS = QUERY_NAMESPACES['iam'] ?? '';

interface Role {
  name: string;
  path: string;
  id: string;
  created: Date;
  trustPolicy: string;
  description?: string;
}

const SEED_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export function createIamStub(identity: FakeIdentity): ServiceStub {
  const roles = new Map<string, Role>();

  function seed(): void {
    roles.clear();
    roles.set('airlock-existing-role', {
      name: 'airlock-existing-role',
      path: '/',
      id: awsStyleId('AROA', 17),
      created: new Date('2024-01-01T00:00:00Z'),
      trustPolicy: SEED_TRUST,
    });
  }
  seed();

  function roleXml(role: Role): string {
    // IAM returns policy documents URL-encoded; real clients expect exactly that.
    return (
      `<Path>${xmlEscape(role.path)}</Path><RoleName>${xmlEscape(role.name)}</RoleName>` +
      `<RoleId>${role.id}</RoleId>` +
      `<Arn>arn:aws:iam::${identity.accountId}:role${xmlEscape(role.path)}${xmlEscape(role.name)}</Arn>` +
      `<CreateDate>${isoSeconds(role.created)}</CreateDate>` +
      `<AssumeRolePolicyDocument>${encodeURIComponent(role.trustPolicy)}</AssumeRolePolicyDocument>` +
      (role.description === undefined ? '' : `<Description>${xmlEscape(role.description)}</Description>`) +
      `<MaxSessionDuration>3600</MaxSessionDuration>`
    );
  }

  function noSuchRole(operation: string, name: string): StubResponse {
    return stubError(
      'query',
      'iam',
      operation,
      404,
      'NoSuchEntity',
      `The role with name ${name} cannot be found.`,
    );
  }

  function createRole(params: URLSearchParams): StubResponse {
    const name = params.get('RoleName');
    const trustPolicy = params.get('AssumeRolePolicyDocument');
    if (!name || !trustPolicy) {
      return stubError(
        'query',
        'iam',
        'CreateRole',
        400,
        'ValidationError',
        'RoleName and AssumeRolePolicyDocument are required',
      );
    }
    if (roles.has(name)) {
      return stubError(
        'query',
        'iam',
        'CreateRole',
        409,
        'EntityAlreadyExists',
        `Role with name ${name} already exists.`,
      );
    }
    const role: Role = {
      name,
      path: params.get('Path') ?? '/',
      id: awsStyleId('AROA', 17),
      created: new Date(),
      trustPolicy,
    };
    const description = params.get('Description');
    if (description !== null) role.description = description;
    roles.set(name, role);
    return queryOk('CreateRole', NS, `<Role>${roleXml(role)}</Role>`);
  }

  function getRole(params: URLSearchParams): StubResponse {
    const name = params.get('RoleName') ?? '';
    const role = roles.get(name);
    return role ? queryOk('GetRole', NS, `<Role>${roleXml(role)}</Role>`) : noSuchRole('GetRole', name);
  }

  function deleteRole(params: URLSearchParams): StubResponse {
    const name = params.get('RoleName') ?? '';
    if (!roles.delete(name)) return noSuchRole('DeleteRole', name);
    return queryOk('DeleteRole', NS, undefined);
  }

  function listRoles(params: URLSearchParams): StubResponse {
    const prefix = params.get('PathPrefix') ?? '/';
    const members = [...roles.values()]
      .filter((r) => r.path.startsWith(prefix))
      .map((r) => `<member>${roleXml(r)}</member>`)
      .join('');
    return queryOk('ListRoles', NS, `<IsTruncated>false</IsTruncated><Roles>${members}</Roles>`);
  }

  return {
    signingName: 'iam',
    reset: seed,
    handle(req: StubRequest): StubResponse {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      switch (action) {
        case 'CreateRole':
          return createRole(params);
        case 'GetRole':
          return getRole(params);
        case 'DeleteRole':
          return deleteRole(params);
        case 'ListRoles':
          return listRoles(params);
        default:
          return unknownOperation('query', 'iam', action || 'unknown');
      }
    },
  };
}
