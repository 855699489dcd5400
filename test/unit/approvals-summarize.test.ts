import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../../gateway/approvals/summarize';

void test('one-line summaries for the operations people are asked about, and a generic fallback', () => {
  const trust = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const s = (
    iamPrefix: string,
    operation: string,
    params: Record<string, unknown>,
    resources: string[] = [],
  ): string => summarize({ iamPrefix, operation, params, action: `${iamPrefix}:${operation}`, resources });
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'deploy-bot', AssumeRolePolicyDocument: trust }),
    'Create IAM role deploy-bot trusted by lambda.amazonaws.com',
  );
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: encodeURIComponent(trust) }),
    'Create IAM role x trusted by lambda.amazonaws.com',
  );
  assert.equal(
    s('iam', 'CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: '{not json' }),
    'Create IAM role x',
  );
  assert.equal(s('s3', 'DeleteBucket', { Bucket: 'prod-data' }), 'Delete S3 bucket prod-data');
  assert.equal(
    s('ec2', 'TerminateInstances', { InstanceId: ['i-1', 'i-2'] }),
    'Terminate EC2 instances i-1, i-2',
  );
  assert.equal(
    s('ec2', 'TerminateInstances', { InstanceId: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'] }),
    'Terminate EC2 instances i-1, i-2, i-3 and 2 more',
  );
  assert.equal(s('dynamodb', 'DeleteTable', { TableName: 'orders' }), 'Delete DynamoDB table orders');
  assert.equal(
    s('kms', 'ScheduleKeyDeletion', { KeyId: 'k-1', PendingWindowInDays: 7 }),
    'Schedule deletion of KMS key k-1 in 7 days',
  );
  assert.equal(
    s('elasticache', 'DeleteServerlessCache', {}, ['arn:aws:elasticache:us-east-1:1:serverlesscache:c1']),
    'Delete serverless cache (elasticache): serverlesscache:c1',
  );
  assert.equal(
    s('s3', 'DeleteBucket', {}),
    'Delete bucket (s3)',
    'curated lines fall back when the params are missing',
  );
  assert.ok(s('s3', 'DeleteBucket', { Bucket: 'b'.repeat(500) }).length <= 200);
});
