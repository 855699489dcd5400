import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessCall } from '../../gateway/approvals/assess-call';
import { readPolicy } from '../../gateway/approvals/policy-reading';

void test('attaching AdministratorAccess is high risk and says what it grants', () => {
  const a = assessCall({
    action: 'iam:AttachRolePolicy',
    params: { RoleName: 'bot', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
  });
  assert.equal(a.risk.level, 'high');
  assert.match(a.risk.reasons.join(), /AdministratorAccess: every action on every resource/);
  assert.match(a.facts.find((f) => f.label === 'Policy')?.warning ?? '', /AdministratorAccess/);
  // Another managed policy: an IAM write, not high.
  const b = assessCall({
    action: 'iam:AttachRolePolicy',
    params: { RoleName: 'bot', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
  });
  assert.equal(b.risk.level, 'medium');
  assert.equal(b.facts.find((f) => f.label === 'Policy')?.warning, undefined);
});

void test('an inline policy document is pretty-printed and s3:* on * is flagged broad', () => {
  const doc = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  });
  const a = assessCall({
    action: 'iam:PutRolePolicy',
    params: { RoleName: 'bot', PolicyName: 'p', PolicyDocument: doc },
  });
  assert.equal(a.risk.level, 'high');
  const fact = a.facts.find((f) => f.label === 'PolicyDocument');
  assert.ok(fact?.document);
  assert.match(fact.value, /\n {2}"Statement": \[/);
  assert.match(fact.warning ?? '', /s3:\* \(every s3 action\) on \*/);
  // URL-encoded (as the query protocol sends it) reads the same.
  assert.deepEqual(readPolicy(encodeURIComponent(doc))?.broad, readPolicy(doc)?.broad);
  // A narrow grant is not flagged.
  const narrow = JSON.stringify({
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
  });
  assert.deepEqual(readPolicy(narrow)?.broad, []);
});

void test('a trust policy names who may assume the role; anyone (*) is high risk', () => {
  const lambda = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const ok = assessCall({
    action: 'iam:CreateRole',
    params: { RoleName: 'r', AssumeRolePolicyDocument: lambda },
  });
  assert.equal(ok.risk.level, 'medium');
  assert.match(ok.facts[0]?.label ?? '', /Trust policy/);
  assert.match(ok.facts[0]?.value ?? '', /lambda\.amazonaws\.com/);
  const anyone = JSON.stringify({
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
  });
  const bad = assessCall({
    action: 'iam:CreateRole',
    params: { RoleName: 'r', AssumeRolePolicyDocument: anyone },
  });
  assert.equal(bad.risk.level, 'high');
  assert.match(bad.risk.reasons.join(), /anyone/);
});

void test('what is terminated or opened to the internet is a fact; reads are low risk', () => {
  const t = assessCall({ action: 'ec2:TerminateInstances', params: { InstanceIds: ['i-1', 'i-2'] } });
  assert.equal(t.risk.level, 'high');
  assert.equal(t.facts[0]?.value, 'i-1, i-2');
  const sg = assessCall({
    action: 'ec2:AuthorizeSecurityGroupIngress',
    params: { GroupId: 'sg-1', CidrIp: '0.0.0.0/0' },
  });
  assert.equal(sg.risk.level, 'high');
  assert.equal(assessCall({ action: 's3:GetObject', params: {} }).risk.level, 'low');
  assert.equal(assessCall({ action: 's3:DeleteBucket', params: { Bucket: 'b' } }).risk.level, 'medium');
});
