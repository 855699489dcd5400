import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskInfo } from '../../gateway/protocol';
import { call, decide, decider, roleArn, task } from './support/policy-decide';

void test('identities: rules apply to the users and agents they name (groups expanded)', () => {
  const d = decider(
    JSON.stringify({
      groups: { contractors: ['bob', 'user:carol'] },
      denyRules: [
        {
          id: 'no-iam-for-contractors',
          reason: 'contractors do not touch IAM',
          actions: ['iam:*'],
          identities: ['group:contractors'],
        },
      ],
      askRules: [
        {
          id: 'ask-agents',
          reason: 'agents ask for EC2 writes',
          actions: ['ec2:Run*'],
          identities: ['agent:claude*'],
        },
      ],
    }),
  );
  const listRoles = call('iam', 'ListRoles', [{ action: 'iam:ListRoles', resources: [] }]);
  assert.equal(decide(d, listRoles, task({ startedBy: 'bob' })).decision, 'deny');
  assert.equal(decide(d, listRoles, task({ startedBy: 'carol' })).decision, 'deny');
  assert.equal(decide(d, listRoles, task({ startedBy: 'alice' })).decision, 'allow');
  const run = call('ec2', 'RunInstances', [{ action: 'ec2:RunInstances', resources: ['*'] }]);
  assert.equal(decide(d, run, task({ agent: 'claude-code' })).decision, 'ask');
  assert.equal(decide(d, run, task({ agent: 'copilot' })).decision, 'allow');
  assert.equal(decide(d, run, task()).decision, 'allow');
});

void test('identities: a signed-in user is matched by the ID token claims (subject, email, groups)', () => {
  const d = decider(
    JSON.stringify({
      groups: { oncall: ['user:dave@example.test'] },
      askRules: [
        {
          id: 'iam-writes-outside-platform',
          reason: 'IAM writes by people outside platform-admins are asked',
          actions: ['iam:Create*'],
          identities: ['group:contractors', 'user:sub-123'],
        },
        {
          id: 'oncall',
          reason: 'on-call asks for EC2 runs',
          actions: ['ec2:Run*'],
          identities: ['group:oncall'],
        },
      ],
    }),
  );
  const signedIn = (email: string, groups: string[], subject = 'sub-x'): TaskInfo =>
    task({ startedBy: email, identity: { issuer: 'https://idp.example', subject, email, groups } });
  const create = call('iam', 'CreateRole', [{ action: 'iam:CreateRole', resources: [roleArn('x')] }]);
  assert.equal(decide(d, create, signedIn('erin@example.test', ['contractors'])).decision, 'ask');
  assert.equal(decide(d, create, signedIn('erin@example.test', ['platform-admins'])).decision, 'allow');
  assert.equal(decide(d, create, signedIn('frank@example.test', [], 'sub-123')).decision, 'ask');
  // Without a sign-in, "group:contractors" is nobody's claim: an OS user cannot put themselves in it.
  assert.equal(decide(d, create, task({ startedBy: 'contractors' })).decision, 'allow');
  const run = call('ec2', 'RunInstances', [{ action: 'ec2:RunInstances', resources: ['*'] }]);
  assert.equal(
    decide(d, run, signedIn('dave@example.test', [])).decision,
    'ask',
    'policy groups list emails',
  );
  assert.equal(
    decide(d, run, signedIn('gina@example.test', ['oncall'])).decision,
    'ask',
    'and the claim counts too',
  );
  assert.equal(decide(d, run, signedIn('hal@example.test', ['dev'])).decision, 'allow');
});
