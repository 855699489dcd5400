/** Targeted identification cases: S3 routing, protocol pairs, proxy-mode hosts, unknowns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import type { Identified, RequestView } from '../../gateway/aws/types';

type ViewInput = Partial<Omit<RequestView, 'body'>> & { body?: string | Buffer };

function view(v: ViewInput): RequestView {
  const { body, ...rest } = v;
  return {
    method: 'GET',
    path: '/',
    query: [],
    headers: {},
    signingName: 's3',
    region: 'us-east-1',
    ...rest,
    ...(body !== undefined ? { body: Buffer.isBuffer(body) ? body : Buffer.from(body) } : {}),
  };
}

function op(v: ViewInput): Identified {
  return identify(view(v));
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

void test('S3 path-style object and bucket operations', () => {
  const cases: Array<[ViewInput, string]> = [
    [{ method: 'GET', path: '/' }, 'ListBuckets'],
    [{ method: 'GET', path: '/b', query: [['list-type', '2']] }, 'ListObjectsV2'],
    [{ method: 'GET', path: '/b/', query: [['list-type', '2']] }, 'ListObjectsV2'],
    [{ method: 'GET', path: '/b' }, 'ListObjects'],
    [{ method: 'GET', path: '/b/k.txt' }, 'GetObject'],
    [{ method: 'HEAD', path: '/b/k.txt' }, 'HeadObject'],
    [{ method: 'PUT', path: '/b/k.txt' }, 'PutObject'],
    [{ method: 'PUT', path: '/b/k.txt', headers: { 'x-amz-copy-source': '/src/k' } }, 'CopyObject'],
    [
      {
        method: 'PUT',
        path: '/b/k.txt',
        query: [
          ['partNumber', '3'],
          ['uploadId', 'u1'],
        ],
      },
      'UploadPart',
    ],
    [
      {
        method: 'PUT',
        path: '/b/k.txt',
        query: [
          ['partNumber', '3'],
          ['uploadId', 'u1'],
        ],
        headers: { 'x-amz-copy-source': '/s/k' },
      },
      'UploadPartCopy',
    ],
    [{ method: 'POST', path: '/b/k.txt', query: [['uploads', '']] }, 'CreateMultipartUpload'],
    [{ method: 'POST', path: '/b/k.txt', query: [['uploadId', 'u1']] }, 'CompleteMultipartUpload'],
    [{ method: 'DELETE', path: '/b/k.txt', query: [['uploadId', 'u1']] }, 'AbortMultipartUpload'],
    [{ method: 'GET', path: '/b/k.txt', query: [['uploadId', 'u1']] }, 'ListParts'],
    [{ method: 'POST', path: '/b', query: [['delete', '']] }, 'DeleteObjects'],
    [{ method: 'DELETE', path: '/b/k.txt' }, 'DeleteObject'],
    [{ method: 'DELETE', path: '/b' }, 'DeleteBucket'],
    [{ method: 'PUT', path: '/b' }, 'CreateBucket'],
    [{ method: 'GET', path: '/b', query: [['acl', '']] }, 'GetBucketAcl'],
    [{ method: 'GET', path: '/b/k', query: [['tagging', '']] }, 'GetObjectTagging'],
    [{ method: 'GET', path: '/b', query: [['lifecycle', '']] }, 'GetBucketLifecycleConfiguration'],
  ];
  for (const [input, expected] of cases) {
    const got = op(input);
    assert.equal(got.service, 's3', `${input.method} ${input.path}`);
    assert.equal(
      got.operation,
      expected,
      `${input.method} ${input.path} ${JSON.stringify(input.query ?? [])}`,
    );
    assert.equal(got.protocol, 'rest-xml');
    assert.equal(got.iamPrefix, 's3');
  }
});

void test('S3 labels are decoded: %2F is a slash, + stays a plus, greedy keys keep their slashes', () => {
  const got = op({ method: 'GET', path: '/my-bucket/dir%2Fsub/a+b%20c.txt' });
  assert.equal(got.operation, 'GetObject');
  assert.deepEqual(got.params, { Bucket: 'my-bucket', Key: 'dir/sub/a+b c.txt' });
  const trailing = op({ method: 'PUT', path: '/b/folder/' });
  assert.equal(trailing.operation, 'PutObject');
  assert.equal(trailing.params.Key, 'folder/');
  const bad = op({ method: 'GET', path: '/b/100%zz' });
  assert.equal(bad.operation, 'GetObject');
  assert.equal(bad.params.Key, '100%zz');
});

void test('S3 query and header members land under their member names', () => {
  const got = op({
    method: 'PUT',
    path: '/b/k',
    query: [
      ['partNumber', '2'],
      ['uploadId', 'abc'],
      ['X-Amz-Signature', 'sig'],
    ],
    headers: {
      'x-amz-copy-source': '/src/key',
      'x-amz-meta-owner': 'me',
      'x-amz-server-side-encryption-customer-key': 'c2VjcmV0',
    },
  });
  assert.equal(got.operation, 'UploadPartCopy');
  assert.deepEqual(got.params, {
    Bucket: 'b',
    Key: 'k',
    PartNumber: '2',
    UploadId: 'abc',
    CopySource: '/src/key',
  });
  const put = op({
    method: 'PUT',
    path: '/b/k',
    headers: { 'x-amz-meta-owner': 'me', 'x-amz-acl': 'private' },
  });
  assert.deepEqual(put.params, { Bucket: 'b', Key: 'k', ACL: 'private', Metadata: { owner: 'me' } });
});

void test('S3 x-id breaks ties but cannot override what the request structurally is', () => {
  assert.equal(op({ method: 'GET', path: '/b/k', query: [['x-id', 'GetObject']] }).operation, 'GetObject');
  assert.equal(
    op({
      method: 'GET',
      path: '/b',
      query: [
        ['lifecycle', ''],
        ['x-id', 'GetBucketLifecycle'],
      ],
    }).operation,
    'GetBucketLifecycle',
  );
  // AWS runs a copy when x-amz-copy-source is present, whatever x-id says.
  const copy = op({
    method: 'PUT',
    path: '/b/k',
    query: [['x-id', 'PutObject']],
    headers: { 'x-amz-copy-source': '/s/k' },
  });
  assert.equal(copy.operation, 'CopyObject');
  assert.equal(
    op({ method: 'DELETE', path: '/b/k', query: [['x-id', 'GetObject']] }).operation,
    'DeleteObject',
  );
  assert.equal(op({ method: 'GET', path: '/b/k', query: [['x-id', 'NoSuchThing']] }).operation, 'GetObject');
});

void test('S3 virtual-hosted and other proxy-mode hosts', () => {
  const hosts: Array<[string, string, string, Record<string, unknown>]> = [
    [
      'my-bucket.s3.us-east-1.amazonaws.com',
      '/dir/file.txt',
      'GetObject',
      { Bucket: 'my-bucket', Key: 'dir/file.txt' },
    ],
    [
      'my.dotted.bucket.s3.eu-west-1.amazonaws.com',
      '/k',
      'GetObject',
      { Bucket: 'my.dotted.bucket', Key: 'k' },
    ],
    [
      'my-bucket.s3.dualstack.us-west-2.amazonaws.com:443',
      '/k',
      'GetObject',
      { Bucket: 'my-bucket', Key: 'k' },
    ],
    ['my-bucket.s3-us-west-2.amazonaws.com', '/k', 'GetObject', { Bucket: 'my-bucket', Key: 'k' }],
    ['my-bucket.s3.amazonaws.com', '/', 'ListObjects', { Bucket: 'my-bucket' }],
    ['s3.amazonaws.com', '/', 'ListBuckets', {}],
    ['s3.us-east-1.amazonaws.com', '/b/k', 'GetObject', { Bucket: 'b', Key: 'k' }],
    ['s3-fips.us-east-2.amazonaws.com', '/b/k', 'GetObject', { Bucket: 'b', Key: 'k' }],
  ];
  for (const [host, path, expected, params] of hosts) {
    const got = op({ method: 'GET', path, host });
    assert.equal(got.service, 's3', host);
    assert.equal(got.operation, expected, host);
    assert.deepEqual(got.params, params, host);
  }
  const list = op({
    method: 'GET',
    path: '/',
    query: [['list-type', '2']],
    host: 'bkt.s3.us-east-1.amazonaws.com',
  });
  assert.equal(list.operation, 'ListObjectsV2');
  assert.equal(list.params.Bucket, 'bkt');
  const streams = op({
    method: 'POST',
    host: 'streams.dynamodb.us-east-1.amazonaws.com',
    signingName: 'dynamodb',
    headers: { 'x-amz-target': 'DynamoDBStreams_20120810.ListStreams' },
  });
  assert.equal(streams.service, 'dynamodbstreams');
  assert.equal(streams.endpointPrefix, 'streams.dynamodb');
  const iam = op({
    method: 'POST',
    host: 'iam.amazonaws.com',
    signingName: 'iam',
    headers: FORM,
    body: 'Action=ListRoles&Version=2010-05-08',
  });
  assert.equal(iam.operation, 'ListRoles');
  const iot = op({
    method: 'POST',
    path: '/topics/a%2Fb',
    host: 'abc123-ats.iot.eu-west-1.amazonaws.com',
    signingName: 'iotdata',
  });
  assert.equal(iot.service, 'iotdata');
  assert.equal(iot.operation, 'Publish');
  assert.deepEqual(iot.params, { topic: 'a/b' });
});

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
