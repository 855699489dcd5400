import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IamRequirement } from '../../gateway/aws/types';
import { ACCT, call, map, r } from './support/iam-map-helpers';

void test('IAM entities (no region in the ARN), paths on create, STS role and session extras', () => {
  const iam = (op: string, p: Record<string, unknown>, region = 'us-east-1'): IamRequirement[] =>
    map(call('iam', op, p, region));
  assert.deepEqual(iam('GetRole', { RoleName: 'deployer' }), [
    r('iam:GetRole', `arn:aws:iam::${ACCT}:role/deployer`),
  ]);
  assert.deepEqual(iam('CreateRole', { RoleName: 'w', Path: '/svc/' }), [
    r('iam:CreateRole', `arn:aws:iam::${ACCT}:role/svc/w`),
  ]);
  assert.deepEqual(
    iam('AttachRolePolicy', { RoleName: 'w', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    [r('iam:AttachRolePolicy', `arn:aws:iam::${ACCT}:role/w`)],
  );
  assert.deepEqual(iam('AddUserToGroup', { UserName: 'u', GroupName: 'g' }), [
    r('iam:AddUserToGroup', `arn:aws:iam::${ACCT}:group/g`),
  ]);
  assert.deepEqual(iam('AddRoleToInstanceProfile', { RoleName: 'w', InstanceProfileName: 'ip' }), [
    r('iam:AddRoleToInstanceProfile', `arn:aws:iam::${ACCT}:instance-profile/ip`),
  ]);
  assert.deepEqual(iam('DeletePolicy', { PolicyArn: `arn:aws:iam::${ACCT}:policy/p` }), [
    r('iam:DeletePolicy', `arn:aws:iam::${ACCT}:policy/p`),
  ]);
  assert.deepEqual(iam('CreateUser', { UserName: 'u' }, 'cn-north-1'), [
    r('iam:CreateUser', `arn:aws-cn:iam::${ACCT}:user/u`),
  ]);
  assert.deepEqual(iam('ListRoles', {}), [r('iam:ListRoles')]);

  const role = 'arn:aws:iam::111122223333:role/deploy';
  assert.deepEqual(map(call('sts', 'AssumeRole', { RoleArn: role, RoleSessionName: 's' })), [
    r('sts:AssumeRole', role),
  ]);
  assert.deepEqual(
    map(call('sts', 'AssumeRole', { RoleArn: role, 'Tags.member.1.Key': 'k', SourceIdentity: 'me' })),
    [r('sts:AssumeRole', role), r('sts:TagSession', role), r('sts:SetSourceIdentity', role)],
  );
  assert.deepEqual(map(call('sts', 'GetCallerIdentity')), [r('sts:GetCallerIdentity')]);
  assert.deepEqual(map(call('sts', 'GetFederationToken', { Name: 'bob' })), [
    r('sts:GetFederationToken', `arn:aws:sts::${ACCT}:federated-user/bob`),
  ]);
});

void test('Secrets Manager, SSM parameters and KMS keys and aliases', () => {
  const sm = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:db-pass-??????`;
  assert.deepEqual(map(call('secretsmanager', 'GetSecretValue', { SecretId: 'db-pass' })), [
    r('secretsmanager:GetSecretValue', sm),
  ]);
  const full = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:db-pass-AbCdEf`;
  assert.deepEqual(map(call('secretsmanager', 'PutSecretValue', { SecretId: full })), [
    r('secretsmanager:PutSecretValue', full),
  ]);
  assert.deepEqual(map(call('secretsmanager', 'BatchGetSecretValue', { SecretIdList: ['db-pass'] })), [
    r('secretsmanager:BatchGetSecretValue'),
    r('secretsmanager:GetSecretValue', sm),
  ]);
  const P = (n: string): string => `arn:aws:ssm:us-east-1:${ACCT}:parameter/${n}`;
  assert.deepEqual(map(call('ssm', 'GetParameter', { Name: '/app/db', WithDecryption: true })), [
    r('ssm:GetParameter', P('app/db')),
  ]);
  assert.deepEqual(map(call('ssm', 'GetParameters', { Names: ['/a', 'b:3'] })), [
    r('ssm:GetParameters', P('a'), P('b')),
  ]);
  assert.deepEqual(map(call('ssm', 'GetParametersByPath', { Path: '/app/' })), [
    r('ssm:GetParametersByPath', P('app')),
  ]);
  // Not a Parameter Store call: the reference's document format, filled from DocumentName.
  assert.deepEqual(map(call('ssm', 'SendCommand', { DocumentName: 'AWS-RunShellScript' })), [
    r('ssm:SendCommand', `arn:aws:ssm:us-east-1:${ACCT}:document/AWS-RunShellScript`),
  ]);
  const K = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const A = `arn:aws:kms:us-east-1:${ACCT}:alias/app`;
  const anyKey = `arn:aws:kms:us-east-1:${ACCT}:key/*`;
  assert.deepEqual(map(call('kms', 'Decrypt', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })), [
    r('kms:Decrypt', K),
  ]);
  assert.deepEqual(map(call('kms', 'Encrypt', { KeyId: 'alias/app' })), [r('kms:Encrypt', anyKey)]);
  assert.deepEqual(map(call('kms', 'Decrypt', {})), [r('kms:Decrypt')]);
  assert.deepEqual(map(call('kms', 'CreateAlias', { AliasName: 'alias/app', TargetKeyId: K })), [
    r('kms:CreateAlias', A, K),
  ]);
  assert.deepEqual(map(call('kms', 'ReEncrypt', { SourceKeyId: K, DestinationKeyId: 'alias/app' })), [
    r('kms:ReEncryptFrom', K),
    r('kms:ReEncryptTo', anyKey),
  ]);
});
