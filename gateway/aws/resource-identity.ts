import {
  globalArn,
  isArn,
  need,
  regionalArn,
  str,
  strList,
  type ArnScope,
  type Params,
  type ServiceMapper,
} from './iam-arn';
import type { IamRequirement } from './types';

/** IAM, STS, KMS, Secrets Manager and SSM Parameter Store. */

/** IAM names the entity an action is authorized on; the first parameter present wins. */
const IAM_ENTITIES: ReadonlyArray<readonly [param: string, type: string]> = [
  ['InstanceProfileName', 'instance-profile'],
  ['RoleName', 'role'],
  ['GroupName', 'group'],
  ['UserName', 'user'],
];

export const mapIam: ServiceMapper = (op, p, s) => {
  const path = str(p, 'Path') ?? '/';
  for (const [param, type] of IAM_ENTITIES) {
    const name = str(p, param);
    // Only Create* calls know the path; elsewhere the ARN is built without it (documented).
    if (name !== undefined)
      return [need(`iam:${op}`, iamArn(s, type, op.startsWith('Create') ? path : '/', name))];
  }
  const policy = str(p, 'PolicyArn');
  if (policy !== undefined) return [need(`iam:${op}`, policy)];
  const policyName = op === 'CreatePolicy' ? str(p, 'PolicyName') : undefined;
  if (policyName !== undefined) return [need('iam:CreatePolicy', iamArn(s, 'policy', path, policyName))];
  return [need(`iam:${op}`)];
};

function iamArn(s: ArnScope, type: string, path: string, name: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return globalArn(s, 'iam', `${type}${p.endsWith('/') ? p : `${p}/`}${name}`);
}

export const mapSts: ServiceMapper = (op, p, s) => {
  const role = str(p, 'RoleArn');
  if (op.startsWith('AssumeRole')) {
    const out: IamRequirement[] = [need(`sts:${op}`, role)];
    // Session tags and a source identity are authorized as separate actions on the role.
    if (present(p, 'Tags') || present(p, 'TransitiveTagKeys')) {
      out.push(need('sts:TagSession', role));
    }
    if (str(p, 'SourceIdentity') !== undefined) out.push(need('sts:SetSourceIdentity', role));
    return out;
  }
  const name = str(p, 'Name');
  if (op === 'GetFederationToken' && name !== undefined) {
    return [need('sts:GetFederationToken', globalArn(s, 'sts', `federated-user/${name}`))];
  }
  return [need(`sts:${op}`)];
};

/** A member given whole, or flattened by the query protocol (`Tags.member.1.Key`). */
function present(p: Params, name: string): boolean {
  return p[name] !== undefined || Object.keys(p).some((k) => k.startsWith(`${name}.`));
}

/**
 * KMS key references: key id, key ARN, alias name (`alias/x`) or alias ARN. KMS authorizes
 * cryptographic and key operations on the key, never on the alias, and which key an alias points
 * to is only known to KMS: an alias therefore stands for "some key" of that account and region,
 * `key/*`, which only a scope granting all its keys allows (scopes can narrow with
 * kms:RequestAlias conditions instead).
 */
export function kmsArn(s: ArnScope, keyId: string): string {
  if (isArn(keyId)) {
    const f = keyId.split(':');
    return f[5]?.startsWith('alias/') ? `${f.slice(0, 5).join(':')}:key/*` : keyId;
  }
  return regionalArn(s, 'kms', keyId.startsWith('alias/') ? 'key/*' : `key/${keyId}`);
}

/** Alias management operations are authorized on the alias itself (and on the key it targets). */
function aliasArn(s: ArnScope, alias: string): string {
  return isArn(alias) ? alias : regionalArn(s, 'kms', alias);
}

export const mapKms: ServiceMapper = (op, p, s) => {
  const key = (name: string): string | undefined => {
    const v = str(p, name);
    return v === undefined ? undefined : kmsArn(s, v);
  };
  switch (op) {
    case 'ReEncrypt':
      return [
        need('kms:ReEncryptFrom', key('SourceKeyId')),
        need('kms:ReEncryptTo', key('DestinationKeyId')),
      ];
    case 'CreateAlias':
    case 'UpdateAlias':
    case 'DeleteAlias': {
      const alias = str(p, 'AliasName');
      return [need(`kms:${op}`, alias === undefined ? undefined : aliasArn(s, alias), key('TargetKeyId'))];
    }
  }
  return [need(`kms:${op}`, key('KeyId'))];
};

/**
 * Secrets Manager ARNs end in `-` plus six random characters that only AWS knows. A secret
 * named by name becomes `secret:{name}-??????`: policies written the way AWS recommends
 * (`secret:name-??????`, `secret:name-*`, `secret:*`) match it, an exact full ARN does not.
 */
export function secretArn(s: ArnScope, secretId: string): string {
  return isArn(secretId) ? secretId : regionalArn(s, 'secretsmanager', `secret:${secretId}-??????`);
}

export const mapSecretsManager: ServiceMapper = (op, p, s) => {
  if (op === 'BatchGetSecretValue') {
    const ids = strList(p, 'SecretIdList');
    return [
      need('secretsmanager:BatchGetSecretValue'),
      need('secretsmanager:GetSecretValue', ...ids.map((i) => secretArn(s, i))),
    ];
  }
  const id = str(p, 'SecretId') ?? (op === 'CreateSecret' ? str(p, 'Name') : undefined);
  return [need(`secretsmanager:${op}`, id === undefined ? undefined : secretArn(s, id))];
};

/** `/app/db` and `app/db` are the same parameter; `name:3` and `name:label` select a version. */
export function parameterArn(s: ArnScope, name: string): string {
  if (isArn(name)) return name;
  const bare = name
    .replace(/^\/+/, '')
    .replace(/:[^/:]*$/, '')
    .replace(/\/+$/, '');
  return regionalArn(s, 'ssm', `parameter/${bare}`);
}

export const mapSsm: ServiceMapper = (op, p, s) => {
  // Name also names documents, associations...: only Parameter Store calls take parameter ARNs.
  if (!op.includes('Parameter')) return undefined;
  const names = [...strList(p, 'Names'), ...strList(p, 'Name'), ...strList(p, 'Path')];
  if (names.length === 0) return undefined;
  return [need(`ssm:${op}`, ...names.map((n) => parameterArn(s, n)))];
};
