/** Targeted identification cases: protocol pairs, query services, S3 Control, unknowns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORM, op } from './support/identify-view';

void test('SQS in both protocols', () => {
  const query = op({
    method: 'POST',
    path: '/123456789012/my-queue',
    signingName: 'sqs',
    headers: FORM,
    body: 'Action=SendMessage&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fmy-queue&MessageBody=a+b',
  });
  assert.equal(query.service, 'sqs');
  assert.equal(query.operation, 'SendMessage');
  assert.equal(query.protocol, 'query');
  assert.equal(query.params.MessageBody, 'a b');
  assert.equal(query.params.QueueUrl, 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue');
  const get = op({
    method: 'GET',
    signingName: 'sqs',
    query: [
      ['Action', 'ListQueues'],
      ['Version', '2012-11-05'],
    ],
  });
  assert.equal(get.operation, 'ListQueues');
  const json = op({
    method: 'POST',
    signingName: 'sqs',
    headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
    body: '{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","MessageBody":"hi"}',
  });
  assert.equal(json.operation, 'SendMessage');
  assert.equal(json.protocol, 'json');
  assert.deepEqual(json.params, { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: 'hi' });
  // A form body is parsed as query protocol by AWS even when a target header rides along.
  const both = op({
    method: 'POST',
    signingName: 'sqs',
    headers: { ...FORM, 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: 'Action=DeleteQueue&QueueUrl=x',
  });
  assert.equal(both.operation, 'DeleteQueue');
});

void test('DynamoDB and DynamoDB Streams share a signing name and are told apart by target prefix', () => {
  const put = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
    body: '{"TableName":"orders","Item":{"id":{"S":"1"}}}',
  });
  assert.deepEqual(
    [put.service, put.operation, put.protocol, put.iamPrefix],
    ['dynamodb', 'PutItem', 'json', 'dynamodb'],
  );
  assert.equal(put.params.TableName, 'orders');
  const rec = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' },
  });
  assert.deepEqual(
    [rec.service, rec.operation, rec.iamPrefix, rec.endpointPrefix],
    ['dynamodbstreams', 'GetRecords', 'dynamodb', 'streams.dynamodb'],
  );
});

void test('query services: STS, EC2 lists, IAM global, CloudWatch and SES IAM prefixes, ELB versions', () => {
  const sts = op({
    method: 'POST',
    signingName: 'sts',
    headers: FORM,
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  assert.deepEqual(
    [sts.service, sts.operation, sts.protocol, sts.globalEndpoint],
    ['sts', 'GetCallerIdentity', 'query', undefined],
  );
  const ec2 = op({
    method: 'POST',
    signingName: 'ec2',
    headers: FORM,
    body: 'Action=DescribeInstances&Version=2016-11-15&InstanceId.2=i-2&InstanceId.1=i-1&Filter.1.Name=tag%3AEnv&Filter.1.Value.1=prod',
  });
  assert.deepEqual([ec2.operation, ec2.protocol], ['DescribeInstances', 'ec2']);
  assert.deepEqual(ec2.params.InstanceId, ['i-1', 'i-2']);
  assert.equal(ec2.params['Filter.1.Name'], 'tag:Env');
  assert.deepEqual(ec2.params['Filter.1.Value'], ['prod']);
  assert.equal(ec2.params.Action, undefined);
  const iam = op({
    method: 'POST',
    signingName: 'iam',
    headers: FORM,
    body: 'Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7B%7D',
  });
  assert.deepEqual(
    [iam.service, iam.operation, iam.globalEndpoint, iam.globalRegion],
    ['iam', 'CreateRole', 'iam.amazonaws.com', 'us-east-1'],
  );
  assert.deepEqual(iam.params, { RoleName: 'r', AssumeRolePolicyDocument: '{}' });
  // The global hosts are the aws partition's; China has its own IAM endpoint.
  const iamCn = op({
    method: 'POST',
    signingName: 'iam',
    region: 'cn-north-1',
    headers: FORM,
    body: 'Action=ListRoles',
  });
  assert.deepEqual([iamCn.operation, iamCn.globalEndpoint], ['ListRoles', undefined]);
  const cw = op({
    method: 'POST',
    signingName: 'monitoring',
    headers: FORM,
    body: 'Action=PutMetricData&Version=2010-08-01',
  });
  assert.deepEqual([cw.service, cw.iamPrefix, cw.endpointPrefix], ['cloudwatch', 'cloudwatch', 'monitoring']);
  // Query services moving to JSON: the target prefix is not in the v2 models, the operation name decides.
  const cwJson = op({
    method: 'POST',
    signingName: 'monitoring',
    headers: {
      'x-amz-target': 'GraniteServiceVersion20100801.PutMetricData',
      'content-type': 'application/x-amz-json-1.0',
    },
    body: '{"Namespace":"app"}',
  });
  assert.deepEqual(
    [cwJson.service, cwJson.operation, cwJson.protocol, cwJson.params.Namespace],
    ['cloudwatch', 'PutMetricData', 'json', 'app'],
  );
  const ses = op({
    method: 'POST',
    signingName: 'ses',
    headers: FORM,
    body: 'Action=SendEmail&Version=2010-12-01',
  });
  assert.deepEqual(
    [ses.service, ses.operation, ses.iamPrefix, ses.endpointPrefix],
    ['ses', 'SendEmail', 'ses', 'email'],
  );
  const elb1 = op({
    method: 'POST',
    signingName: 'elasticloadbalancing',
    headers: FORM,
    body: 'Action=DescribeLoadBalancers&Version=2012-06-01',
  });
  const elb2 = op({
    method: 'POST',
    signingName: 'elasticloadbalancing',
    headers: FORM,
    body: 'Action=DescribeLoadBalancers&Version=2015-12-01',
  });
  assert.deepEqual([elb1.service, elb2.service], ['elb', 'elbv2']);
  const list = op({
    method: 'POST',
    signingName: 'sqs',
    headers: FORM,
    body: 'Action=GetQueueAttributes&AttributeName.member.1=All',
  });
  assert.deepEqual(list.params.AttributeName, ['All']);
});

void test('Lambda Invoke: ARN labels are decoded, query and header members read', () => {
  const got = op({
    method: 'POST',
    path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations',
    query: [['Qualifier', 'live']],
    headers: { 'x-amz-invocation-type': 'Event' },
    signingName: 'lambda',
    body: '{"payload":true}',
  });
  assert.deepEqual([got.service, got.operation, got.protocol], ['lambda', 'Invoke', 'rest-json']);
  // The Invoke payload is the function's own input, not API members: it is not spread into params.
  assert.deepEqual(got.params, {
    FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:my-fn',
    Qualifier: 'live',
    InvocationType: 'Event',
  });
  const create = op({
    method: 'POST',
    path: '/2015-03-31/functions',
    signingName: 'lambda',
    body: '{"FunctionName":"f","Role":"r"}',
  });
  assert.equal(create.operation, 'CreateFunction');
  assert.deepEqual(create.params, { FunctionName: 'f', Role: 'r' });
  // botocore sends the model's `/2015-03-31/functions/` without its trailing slash; both are ListFunctions.
  for (const path of ['/2015-03-31/functions', '/2015-03-31/functions/']) {
    assert.equal(op({ method: 'GET', path, signingName: 'lambda' }).operation, 'ListFunctions', path);
  }
});

void test('S3 Control resolves its account host prefix; aliased S3 signing names keep their own identity', () => {
  const ctl = op({
    method: 'GET',
    path: '/v20180820/configuration/publicAccessBlock',
    headers: { 'x-amz-account-id': '123456789012' },
  });
  assert.deepEqual(
    [ctl.service, ctl.operation, ctl.hostPrefix, ctl.iamPrefix],
    ['s3control', 'GetPublicAccessBlock', '123456789012.', 's3'],
  );
  const evil = op({
    method: 'GET',
    path: '/v20180820/configuration/publicAccessBlock',
    headers: { 'x-amz-account-id': 'evil.com/x' },
  });
  assert.equal(evil.hostPrefix, undefined);
  const olambda = op({
    method: 'POST',
    path: '/WriteGetObjectResponse',
    signingName: 's3-object-lambda',
    headers: { 'x-amz-request-route': 'route-1', 'x-amz-request-token': 't' },
  });
  assert.deepEqual(
    [olambda.service, olambda.operation, olambda.signingName, olambda.iamPrefix, olambda.hostPrefix],
    ['s3', 'WriteGetObjectResponse', 's3-object-lambda', 's3-object-lambda', 'route-1.'],
  );
});

void test('a form POST stands for a GET search when no POST route fits (CloudSearch domain)', () => {
  const got = op({
    method: 'POST',
    path: '/2013-01-01/search',
    signingName: 'cloudsearch',
    headers: FORM,
    body: 'format=sdk&pretty=true&q=hello',
  });
  assert.deepEqual([got.service, got.operation, got.params.query], ['cloudsearchdomain', 'Search', 'hello']);
  const upload = op({ method: 'PUT', path: '/b/k', headers: FORM });
  assert.equal(upload.operation, 'PutObject');
});

void test('unknowns are reported, not thrown', () => {
  const svc = op({ method: 'POST', signingName: 'no-such-service', headers: { 'x-amz-target': 'X.Y' } });
  assert.deepEqual(
    [svc.service, svc.protocol, svc.operation, svc.iamPrefix],
    ['unknown', 'unknown', undefined, 'no-such-service'],
  );
  const target = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDB_20120810.DropEverything' },
  });
  assert.deepEqual([target.service, target.operation], ['dynamodb', undefined]);
  const prefix = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'Bogus_1.PutItem' },
  });
  assert.equal(prefix.operation, undefined);
  const repeated = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem,DynamoDB_20120810.DeleteTable' },
  });
  assert.equal(repeated.operation, undefined);
  const twoActions = op({
    method: 'POST',
    signingName: 'iam',
    headers: FORM,
    body: 'Action=GetUser&Action=DeleteUser',
  });
  assert.deepEqual([twoActions.service, twoActions.operation], ['iam', undefined]);
  const queryVsBody = op({
    method: 'POST',
    signingName: 'iam',
    query: [['Action', 'GetUser']],
    headers: FORM,
    body: 'Action=DeleteUser',
  });
  assert.equal(queryVsBody.operation, undefined);
  const noAction = op({ method: 'POST', signingName: 'sts', headers: FORM, body: 'Version=2011-06-15' });
  assert.deepEqual([noAction.service, noAction.operation], ['sts', undefined]);
  const noRoute = op({ method: 'PATCH', path: '/b/k', signingName: 's3' });
  assert.deepEqual([noRoute.service, noRoute.operation], ['s3', undefined]);
  const proto = op({
    method: 'POST',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: '{"__proto__":{"polluted":1},"TableName":"t"}',
  });
  assert.equal(proto.operation, 'PutItem');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(proto.params), Object.prototype);
});
