import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayApprove } from '../../gateway/identity/approver-check';
import { cloudTrailCommands } from '../../gateway/identity/cloudtrail-command';
import { identityFromClaims, identityNames, sourceIdentity } from '../../gateway/identity/identity-claims';
import { OidcConfigError, parseOidcConfig } from '../../gateway/identity/oidc-config';
import { roleSessionNameFor, sessionPolicyFor } from '../../gateway/identity/session-policy';
import type { TaskInfo } from '../../gateway/protocol';

const ROLE = 'arn:aws:iam::123456789012:role/airlock-agents';

void test('OIDC settings: none is profile mode; partial or insecure settings are refused, saying what is missing', () => {
  assert.equal(parseOidcConfig({}, 'flags'), undefined);
  const ok = parseOidcConfig({ issuer: 'https://idp.example', clientId: 'airlock', roleArn: ROLE }, 'flags');
  assert.deepEqual(ok?.scopes, ['openid', 'email', 'profile', 'groups', 'offline_access']);
  assert.throws(
    () => parseOidcConfig({ issuer: 'https://idp.example', roleArn: ROLE }, 'flags'),
    /client id/,
  );
  assert.throws(
    () => parseOidcConfig({ issuer: 'http://idp.example', clientId: 'a', roleArn: ROLE }, 'flags'),
    /must be https/,
  );
  assert.ok(parseOidcConfig({ issuer: 'http://127.0.0.1:9', clientId: 'a', roleArn: ROLE }, 'flags'));
  assert.throws(
    () => parseOidcConfig({ issuer: 'https://idp.example', clientId: 'a', roleArn: 'airlock' }, 'flags'),
    OidcConfigError,
  );
  const custom = parseOidcConfig(
    { issuer: 'https://i.example', clientId: 'a', roleArn: ROLE, scopes: ['email'] },
    'f',
  );
  assert.deepEqual(custom?.scopes, ['openid', 'email', 'offline_access']);
});

void test('claims: names for policies, and a SourceIdentity STS accepts', () => {
  const id = identityFromClaims({ iss: 'https://i', sub: 'u-1', email: 'a@b.test', groups: ['ops', 7, ''] });
  assert.deepEqual(id.groups, ['ops']);
  assert.deepEqual(identityNames(id), ['user:u-1', 'user:a@b.test', 'group:ops']);
  assert.equal(sourceIdentity(id), 'a@b.test');
  assert.equal(sourceIdentity(identityFromClaims({ iss: 'i', sub: 'x y/z'.repeat(20) })).length, 64);
  assert.match(sourceIdentity(identityFromClaims({ iss: 'i', sub: 'x y/z' })), /^[\w+=,.@-]+$/);
  assert.throws(() => identityFromClaims({ iss: 'i' }), /names nobody/);
});

void test('session policy: the scope as compact JSON, refused past 2048 characters', () => {
  assert.deepEqual(sessionPolicyFor(undefined), { kind: 'none' });
  const small = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  assert.deepEqual(sessionPolicyFor(small), { kind: 'policy', json: JSON.stringify(small) });
  const big = {
    Statement: Array.from({ length: 60 }, (_, i) => ({ Effect: 'Allow', Action: `s3:Get${i}` })),
  };
  assert.equal(sessionPolicyFor(big).kind, 'too-large');
  assert.equal(roleSessionNameFor('t-abc-123'), 'airlock-t-abc-123');
  assert.ok(roleSessionNameFor('x'.repeat(100)).length <= 64);
});

void test('cloudtrail: a lookup per issued key and one by session name, around the task', () => {
  const task: TaskInfo = {
    taskId: 't-1',
    name: 'n',
    accessKeyId: 'AKAL1',
    startedBy: 'a@b.test',
    startedAt: '2026-01-01T10:00:00.000Z',
    expiresAt: '2026-01-01T18:00:00.000Z',
    endedAt: '2026-01-01T11:00:00.000Z',
    state: 'ended',
    session: {
      roleArn: ROLE,
      roleSessionName: 'airlock-t-1',
      sourceIdentity: 'a@b.test',
      accessKeyIds: ['ASIA1', 'ASIA2'],
      sessionPolicy: true,
      region: 'eu-west-1',
    },
  };
  const c = cloudTrailCommands(task, new Date('2026-02-01T00:00:00Z'));
  assert.equal(c.length, 3);
  assert.equal(
    c[0],
    'aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=ASIA1 --start-time 2026-01-01T09:55:00.000Z --end-time 2026-01-01T11:15:00.000Z --region eu-west-1',
  );
  assert.match(c[2]!, /AttributeKey=Username,AttributeValue=airlock-t-1 /);
  assert.deepEqual(cloudTrailCommands({ ...task, session: undefined }), []);
});

void test('approvers: matched against claims (and policy groups); refusals say who can', () => {
  const alice = identityFromClaims({
    iss: 'i',
    sub: 'alice',
    email: 'alice@x.test',
    groups: ['platform-admins'],
  });
  const bob = identityFromClaims({ iss: 'i', sub: 'bob', email: 'bob@x.test', groups: [] });
  const admins = ['group:platform-admins'];
  assert.deepEqual(mayApprove(undefined, undefined, {}, 'r'), { ok: true });
  assert.deepEqual(mayApprove(admins, alice, {}, 'r'), { ok: true });
  const no = mayApprove(admins, bob, {}, 'iam-writes');
  assert.equal(no.ok, false);
  assert.match(
    !no.ok ? no.message : '',
    /Only group:platform-admins may approve what rule "iam-writes" holds; you are signed in as bob@x\.test/,
  );
  assert.equal(mayApprove(admins, undefined, {}, 'r').ok, false);
  assert.deepEqual(mayApprove(admins, bob, { 'platform-admins': ['bob@x.test'] }, 'r'), { ok: true });
  assert.deepEqual(mayApprove(['user:*@x.test'], bob, {}, 'r'), { ok: true });
});
