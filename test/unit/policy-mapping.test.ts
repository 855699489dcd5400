import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, evaluateMapping } from '../../gateway/policy';

const policy = compilePolicy({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Read',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: 'arn:aws:s3:::src*',
    },
    { Sid: 'Write', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dst/*' },
    { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*/secret/*' },
  ],
});

void test('a call is allowed only when every action is allowed on every resource', () => {
  const copy = {
    requirements: [
      { action: 's3:PutObject', resources: ['arn:aws:s3:::dst/a'] },
      { action: 's3:GetObject', resources: ['arn:aws:s3:::src/a'] },
    ],
  };
  const allowed = evaluateMapping(policy, copy, {});
  assert.equal(allowed.decision, 'Allow');
  assert.equal(allowed.statement, 'Write');

  const intoSrc = {
    requirements: [
      { action: 's3:PutObject', resources: ['arn:aws:s3:::src/a'] },
      { action: 's3:GetObject', resources: ['arn:aws:s3:::src/b'] },
    ],
  };
  const gap = evaluateMapping(policy, intoSrc, {});
  assert.deepEqual(gap, { decision: 'ImplicitDeny', action: 's3:PutObject', resource: 'arn:aws:s3:::src/a' });
});

void test('the first explicit deny wins even after an implicit deny', () => {
  const r = evaluateMapping(
    policy,
    {
      requirements: [
        { action: 's3:DeleteObject', resources: ['arn:aws:s3:::dst/a'] },
        { action: 's3:GetObject', resources: ['arn:aws:s3:::src/ok', 'arn:aws:s3:::src/secret/k'] },
      ],
    },
    {},
  );
  assert.equal(r.decision, 'ExplicitDeny');
  assert.equal(r.statement, 'NoSecrets');
  assert.equal(r.resource, 'arn:aws:s3:::src/secret/k');
});

void test('empty mappings and empty resource lists fail closed', () => {
  assert.equal(evaluateMapping(policy, { requirements: [] }, {}).decision, 'ImplicitDeny');
  const r = evaluateMapping(policy, { requirements: [{ action: 's3:GetObject', resources: [] }] }, {});
  assert.deepEqual(r, { decision: 'ImplicitDeny', action: 's3:GetObject', resource: '*' });
});
