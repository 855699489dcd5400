import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IamRequirement } from '../../gateway/aws/types';
import { ACCT, call, map, r } from './support/iam-map-helpers';

void test("the issue's examples", () => {
  assert.deepEqual(map(call('s3', 'ListObjectsV2', { Bucket: 'b', Prefix: 'p/' })), [
    r('s3:ListBucket', 'arn:aws:s3:::b'),
  ]);
  assert.deepEqual(map(call('s3', 'HeadObject', { Bucket: 'b', Key: 'k/x.txt' })), [
    r('s3:GetObject', 'arn:aws:s3:::b/k/x.txt'),
  ]);
  assert.deepEqual(map(call('lambda', 'Invoke', { FunctionName: 'upload' })), [
    r('lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:upload`),
  ]);
  assert.deepEqual(map(call('s3', 'UploadPart', { Bucket: 'b', Key: 'big', PartNumber: 2, UploadId: 'u' })), [
    r('s3:PutObject', 'arn:aws:s3:::b/big'),
  ]);
});

void test('Lambda function names, partial and full ARNs, qualifiers, and PassRole on create', () => {
  const F = `arn:aws:lambda:us-east-1:${ACCT}:function:upload`;
  assert.deepEqual(map(call('lambda', 'Invoke', { FunctionName: 'upload:prod' })), [
    r('lambda:InvokeFunction', `${F}:prod`),
  ]);
  assert.deepEqual(map(call('lambda', 'Invoke', { FunctionName: 'upload', Qualifier: '7' })), [
    r('lambda:InvokeFunction', `${F}:7`),
  ]);
  assert.deepEqual(
    map(call('lambda', 'InvokeWithResponseStream', { FunctionName: '111122223333:function:upload' })),
    [r('lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:111122223333:function:upload')],
  );
  const full = 'arn:aws:lambda:eu-west-1:111122223333:function:resize:live';
  assert.deepEqual(map(call('lambda', 'GetFunction', { FunctionName: full, Qualifier: 'x' })), [
    r('lambda:GetFunction', full),
  ]);
  assert.deepEqual(map(call('lambda', 'InvokeAsync', { FunctionName: 'upload' })), [
    r('lambda:InvokeAsync', F),
  ]);
  const role = `arn:aws:iam::${ACCT}:role/lambda-exec`;
  assert.deepEqual(map(call('lambda', 'CreateFunction', { FunctionName: 'upload', Role: role })), [
    r('lambda:CreateFunction', F),
    r('iam:PassRole', role),
  ]);
  assert.deepEqual(map(call('lambda', 'ListFunctions')), [r('lambda:ListFunctions')]);
});

void test('EC2 instance lists (array or flattened), security groups, tags; Describe* unscoped (RunInstances: iam-map-template)', () => {
  const I = (id: string): string => `arn:aws:ec2:us-west-2:${ACCT}:instance/${id}`;
  const ec2 = (op: string, p: Record<string, unknown>): IamRequirement[] =>
    map(call('ec2', op, p, 'us-west-2'));
  assert.deepEqual(ec2('TerminateInstances', { InstanceIds: ['i-1', 'i-2'] }), [
    r('ec2:TerminateInstances', I('i-1'), I('i-2')),
  ]);
  assert.deepEqual(ec2('StopInstances', { 'InstanceId.2': 'i-2', 'InstanceId.1': 'i-1' }), [
    r('ec2:StopInstances', I('i-1'), I('i-2')),
  ]);
  assert.deepEqual(ec2('DescribeInstances', { InstanceIds: ['i-1'] }), [r('ec2:DescribeInstances')]);
  assert.deepEqual(ec2('AuthorizeSecurityGroupIngress', { GroupId: 'sg-1' }), [
    r('ec2:AuthorizeSecurityGroupIngress', `arn:aws:ec2:us-west-2:${ACCT}:security-group/sg-1`),
  ]);
  assert.deepEqual(ec2('CreateTags', { Resources: ['i-1', 'vol-9'] }), [
    r('ec2:CreateTags', I('i-1'), `arn:aws:ec2:us-west-2:${ACCT}:volume/vol-9`),
  ]);
  // An id of no known type stays in the list as `*`: only a scope granting everything allows it.
  assert.deepEqual(ec2('CreateTags', { Resources: ['i-1', 'odd-9'] }), [r('ec2:CreateTags', I('i-1'), '*')]);
});

void test('SQS queue URLs and names, SNS topics, batch APIs authorized as the single action', () => {
  assert.deepEqual(
    map(call('sqs', 'SendMessage', { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/jobs' })),
    [r('sqs:SendMessage', 'arn:aws:sqs:eu-west-1:111122223333:jobs')],
  );
  assert.deepEqual(
    map(call('sqs', 'SendMessageBatch', { QueueUrl: 'https://queue.amazonaws.com/111122223333/jobs' })),
    [r('sqs:SendMessage', 'arn:aws:sqs:us-east-1:111122223333:jobs')],
  );
  assert.deepEqual(map(call('sqs', 'CreateQueue', { QueueName: 'jobs.fifo' })), [
    r('sqs:CreateQueue', `arn:aws:sqs:us-east-1:${ACCT}:jobs.fifo`),
  ]);
  assert.deepEqual(map(call('sqs', 'ListQueues')), [r('sqs:ListQueues')]);
  const topic = `arn:aws:sns:us-east-1:${ACCT}:alerts`;
  assert.deepEqual(map(call('sns', 'Publish', { TopicArn: topic })), [r('sns:Publish', topic)]);
  assert.deepEqual(map(call('sns', 'PublishBatch', { TopicArn: topic })), [r('sns:Publish', topic)]);
  assert.deepEqual(map(call('sns', 'CreateTopic', { Name: 'alerts' })), [r('sns:CreateTopic', topic)]);
});

void test('CloudWatch Logs groups and streams, CloudFormation stacks, ECR repositories', () => {
  const G = `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/lambda/upload`;
  assert.deepEqual(map(call('logs', 'CreateLogGroup', { logGroupName: '/aws/lambda/upload' })), [
    r('logs:CreateLogGroup', G),
  ]);
  assert.deepEqual(
    map(call('logs', 'PutLogEvents', { logGroupName: '/aws/lambda/upload', logStreamName: 's1' })),
    [r('logs:PutLogEvents', `${G}:log-stream:s1`)],
  );
  assert.deepEqual(map(call('logs', 'FilterLogEvents', { logGroupIdentifier: `${G}:*` })), [
    r('logs:FilterLogEvents', G),
  ]);
  assert.deepEqual(map(call('logs', 'DescribeLogGroups')), [r('logs:DescribeLogGroups')]);
  const role = `arn:aws:iam::${ACCT}:role/cfn`;
  assert.deepEqual(map(call('cloudformation', 'CreateStack', { StackName: 'app', RoleARN: role })), [
    r('cloudformation:CreateStack', `arn:aws:cloudformation:us-east-1:${ACCT}:stack/app/*`),
    r('iam:PassRole', role),
  ]);
  assert.deepEqual(map(call('cloudformation', 'DescribeStacks')), [r('cloudformation:DescribeStacks')]);
  assert.deepEqual(map(call('ecr', 'GetAuthorizationToken', { registryIds: ['111122223333'] })), [
    r('ecr:GetAuthorizationToken'),
  ]);
  assert.deepEqual(map(call('ecr', 'BatchGetImage', { repositoryName: 'web', registryId: '111122223333' })), [
    r('ecr:BatchGetImage', 'arn:aws:ecr:us-east-1:111122223333:repository/web'),
  ]);
});

void test('default rule, unknown operations and partitions', () => {
  assert.deepEqual(map(call('athena', 'StartQueryExecution', { QueryString: 'x' })), [
    r('athena:StartQueryExecution'),
  ]);
  assert.deepEqual(map(call('s3', undefined)), [r('s3:Unknown')]);
  assert.deepEqual(map(call('dynamodb', 'GetItem', { TableName: 't' }, 'us-gov-west-1')), [
    r('dynamodb:GetItem', `arn:aws-us-gov:dynamodb:us-gov-west-1:${ACCT}:table/t`),
  ]);
  assert.deepEqual(map(call('sqs', 'CreateQueue', { QueueName: 'q' }, 'eu-west-1'), 'aws-eusc'), [
    r('sqs:CreateQueue', `arn:aws-eusc:sqs:eu-west-1:${ACCT}:q`),
  ]);
});
