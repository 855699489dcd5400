import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { readAssumedRole, withDerivedCredentials } from '../../gateway/identity/assume-role-rewrite';
import { ChildSessions } from '../../gateway/identity/child-sessions';

const ANSWER =
  '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
  '<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn></AssumedRoleUser>' +
  '<Credentials><AccessKeyId>ASIAREAL</AccessKeyId><SecretAccessKey>real/secret+value</SecretAccessKey>' +
  '<SessionToken>real&amp;token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>' +
  '</AssumeRoleResult></AssumeRoleResponse>';

void test('an AssumeRole answer: read as AWS sent it, handed to the agent with the derived credentials', () => {
  const real = readAssumedRole(ANSWER)!;
  assert.deepEqual(real, {
    accessKeyId: 'ASIAREAL',
    secretAccessKey: 'real/secret+value',
    sessionToken: 'real&token',
    expiration: new Date('2030-01-01T00:00:00Z'),
    roleArn: 'arn:aws:sts::123456789012:assumed-role/deploy/s',
  });
  const agent = withDerivedCredentials(ANSWER, {
    accessKeyId: 'AKALX',
    secretAccessKey: 'derived',
    sessionToken: 'tok',
  });
  assert.match(
    agent,
    /<AccessKeyId>AKALX<\/AccessKeyId><SecretAccessKey>derived<\/SecretAccessKey><SessionToken>tok<\/SessionToken>/,
  );
  assert.ok(
    !agent.includes('ASIAREAL') && !agent.includes('real/secret') && !agent.includes('real&amp;token'),
  );
  assert.match(
    agent,
    /<Expiration>2030-01-01T00:00:00Z<\/Expiration>/,
    'the agent refreshes when AWS would have it',
  );
  assert.equal(readAssumedRole('<ErrorResponse/>'), undefined);
});

void test('child sessions: a derived key per role session, expiring with it, ending with its task', () => {
  const children = new ChildSessions(randomBytes(32));
  const soon = new Date(Date.now() + 60_000);
  const { child, secret } = children.issue(
    't-1',
    { accessKeyId: 'ASIAREAL', secretAccessKey: 's', sessionToken: 't', expiration: soon },
    { roleArn: 'arn:aws:iam::123456789012:role/deploy', roleSessionName: 's' },
  );
  assert.match(child.accessKeyId, /^AKAL/);
  const found = children.lookup(child.accessKeyId);
  assert.equal(found.kind, 'active');
  assert.equal(found.kind === 'active' ? found.secret : '', secret);
  assert.equal(children.lookup(child.accessKeyId, soon.getTime() + 1).kind, 'expired');
  children.endTask('t-2');
  assert.equal(children.lookup(child.accessKeyId).kind, 'active');
  children.endTask('t-1');
  assert.equal(children.lookup(child.accessKeyId).kind, 'unknown');
});
