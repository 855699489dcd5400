import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPolicy } from '../../gateway/policy-file';
import { call, decide, decider, roleArn, task } from './support/policy-decide';

void test('the built-in default: deny account-level changes, ask for IAM writes and data deletes, allow the rest', () => {
  const d = decider(defaultPolicy());
  const trail = decide(
    d,
    call('cloudtrail', 'StopLogging', [{ action: 'cloudtrail:StopLogging', resources: ['*'] }]),
  );
  assert.equal(trail.decision, 'deny');
  assert.equal(trail.rule, 'deny-audit-trail-tampering');
  assert.match(
    trail.reason,
    /^Airlock denied cloudtrail:StopLogging: CloudTrail is the audit record .* \(rule: deny-audit-trail-tampering\)$/,
  );

  const org = decide(
    d,
    call('organizations', 'LeaveOrganization', [
      { action: 'organizations:LeaveOrganization', resources: [] },
    ]),
  );
  assert.equal(org.rule, 'deny-organization-changes');

  const role = decide(
    d,
    call('iam', 'CreateRole', [{ action: 'iam:CreateRole', resources: [roleArn('deploy-bot')] }]),
  );
  assert.equal(role.decision, 'ask');
  assert.equal(role.decision === 'ask' && role.rule.id, 'ask-iam-writes');
  assert.deepEqual(role.decision === 'ask' && role.pairs, [
    { action: 'iam:CreateRole', resource: roleArn('deploy-bot') },
  ]);

  const terminate = decide(
    d,
    call('ec2', 'TerminateInstances', [
      {
        action: 'ec2:TerminateInstances',
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-2',
        ],
      },
    ]),
  );
  assert.equal(terminate.decision === 'ask' && terminate.resources.length, 2);

  for (const [prefix, op] of [
    ['sqs', 'DeleteMessage'],
    ['dynamodb', 'DeleteItem'],
    ['s3', 'GetObject'],
    ['iam', 'GetRole'],
    ['ec2', 'DeleteTags'],
  ]) {
    const v = decide(d, call(prefix!, op!, [{ action: `${prefix}:${op}`, resources: ['*'] }]));
    assert.equal(v.decision, 'allow', `${prefix}:${op} should not prompt`);
  }
});

void test('sts:GetCallerIdentity is always allowed, even under a deny-everything rule', () => {
  const d = decider(JSON.stringify({ denyRules: [{ id: 'all', reason: 'nothing', actions: ['*'] }] }));
  assert.equal(
    decide(d, call('sts', 'GetCallerIdentity', [{ action: 'sts:GetCallerIdentity', resources: [] }]))
      .decision,
    'allow',
  );
  assert.equal(
    decide(d, call('s3', 'ListBuckets', [{ action: 's3:ListAllMyBuckets', resources: [] }])).decision,
    'deny',
  );
});

void test('order: deny rules beat the scope, the scope beats ask rules; every pair of a call is checked', () => {
  const policy = JSON.stringify({
    denyRules: [
      { id: 'no-prod', reason: 'prod is off limits', actions: ['s3:*'], resources: ['arn:aws:s3:::prod-*'] },
    ],
    askRules: [{ id: 'ask-deletes', reason: 'deletes need a human', actions: ['*:Delete*'] }],
  });
  const scope = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  };
  const d = decider(policy);
  const t = task({ scope });
  // A copy from an allowed bucket into prod: the deny rule on its second pair decides.
  const copy = call('s3', 'CopyObject', [
    { action: 's3:GetObject', resources: ['arn:aws:s3:::src/a'] },
    { action: 's3:PutObject', resources: ['arn:aws:s3:::prod-data/a'] },
  ]);
  const v = decide(d, copy, t);
  assert.equal(v.decision, 'deny');
  assert.equal(
    v.reason,
    'Airlock denied s3:PutObject on arn:aws:s3:::prod-data/a: prod is off limits (rule: no-prod)',
  );

  const del = decide(
    d,
    call('s3', 'DeleteObject', [{ action: 's3:DeleteObject', resources: ['arn:aws:s3:::src/a'] }]),
    t,
  );
  assert.equal(del.decision, 'ask');

  const outside = decide(
    d,
    call('dynamodb', 'DeleteTable', [
      { action: 'dynamodb:DeleteTable', resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'] },
    ]),
    t,
  );
  assert.equal(outside.decision, 'deny');
  assert.equal(
    outside.reason,
    'Airlock denied dynamodb:DeleteTable on arn:aws:dynamodb:us-east-1:123456789012:table/orders: outside the scope of task "fix upload lambda" (rule: scope)',
  );
});

void test('outOfScope "ask" holds out-of-scope calls, but an explicit Deny in the scope still denies', () => {
  const d = decider(JSON.stringify({ outOfScope: 'ask' }));
  const t = task({
    scope: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
        { Sid: 'NoSecrets', Effect: 'Deny', Action: 'secretsmanager:*', Resource: '*' },
      ],
    },
  });
  const v = decide(d, call('dynamodb', 'ListTables', [{ action: 'dynamodb:ListTables', resources: [] }]), t);
  assert.equal(v.decision, 'ask');
  assert.deepEqual(v.decision === 'ask' && v.rule, {
    id: 'scope',
    reason: 'outside the scope of task "fix upload lambda"',
  });
  const explicit = decide(
    d,
    call('secretsmanager', 'GetSecretValue', [{ action: 'secretsmanager:GetSecretValue', resources: ['*'] }]),
    t,
  );
  assert.equal(explicit.decision, 'deny');
  assert.equal(explicit.rule, 'scope:NoSecrets');
  assert.equal(
    decide(d, call('s3', 'GetObject', [{ action: 's3:GetObject', resources: ['arn:aws:s3:::b/k'] }]), t)
      .decision,
    'allow',
  );
});

void test('conditions on rules see the gateway context (region, time)', () => {
  const d = decider(
    JSON.stringify({
      denyRules: [
        {
          id: 'eu-only',
          reason: 'this workspace works in eu-west-1 only',
          actions: ['*'],
          conditions: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
      ],
    }),
  );
  const list = (region: string): ReturnType<typeof call> =>
    call('lambda', 'ListFunctions', [{ action: 'lambda:ListFunctions', resources: [] }], region);
  assert.equal(decide(d, list('us-east-1')).rule, 'eu-only');
  assert.equal(decide(d, list('eu-west-1')).decision, 'allow');
});

void test('rules keep document order: the first matching rule gives the reason', () => {
  const d = decider(
    JSON.stringify({
      askRules: [
        {
          id: 'narrow',
          reason: 'narrow first',
          actions: ['iam:CreateRole'],
          resources: ['arn:aws:iam::*:role/admin-*'],
        },
        { id: 'broad', reason: 'broad second', actions: ['iam:*'] },
      ],
    }),
  );
  const v1 = decide(
    d,
    call('iam', 'CreateRole', [{ action: 'iam:CreateRole', resources: [roleArn('admin-x')] }]),
  );
  const v2 = decide(
    d,
    call('iam', 'CreateRole', [{ action: 'iam:CreateRole', resources: [roleArn('worker')] }]),
  );
  assert.equal(v1.decision === 'ask' && v1.rule.id, 'narrow');
  assert.equal(v2.decision === 'ask' && v2.rule.id, 'broad');
});
