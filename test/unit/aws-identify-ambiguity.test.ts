/** Requests AWS and the gateway could read differently are named as ambiguous (and refused upstream of decide). */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { identify } from '../../gateway/aws/identify';
import { ambiguityOf } from '../../gateway/aws/identify-ambiguity';
import { jsonBodyProblem } from '../../gateway/aws/params-json-check';
import { bodyForIdentify, repeatedHeaderNames, requestViewOf } from '../../gateway/pipeline/request-view';
import { check, DDB, FORM, v, type ViewInput } from './support/ambiguity-check';

void test('repeated headers AWS reads are ambiguous; others are not', () => {
  const twice = check({
    headers: { ...DDB, 'x-amz-target': 'DynamoDB_20120810.GetItem,DynamoDB_20120810.DeleteItem' },
    repeatedHeaders: ['x-amz-target'],
    body: Buffer.from('{"TableName":"t"}'),
    signingName: 'dynamodb',
  });
  assert.match(twice.why ?? '', /x-amz-target is given more than once/);
  for (const h of ['content-type', 'host', 'x-amz-copy-source', 'range', 'x-amz-meta-owner', 'if-match']) {
    const r = check({ method: 'GET', path: '/b/k', repeatedHeaders: [h], signingName: 's3' });
    assert.match(r.why ?? '', new RegExp(`${h} is given more than once`), h);
  }
  const benign = check({
    method: 'GET',
    path: '/b/k',
    repeatedHeaders: ['user-agent', 'accept-language'],
    signingName: 's3',
  });
  assert.equal(benign.why, undefined);
  assert.deepEqual(repeatedHeaderNames(['X-Amz-Target', 'a', 'x-amz-target', 'b', 'Host', 'h']), [
    'x-amz-target',
  ]);
  // The same value twice is one reading: not ambiguous, and the view holds it once.
  const raw = [
    'X-Amz-Target',
    'DynamoDB_20120810.DeleteItem',
    'x-amz-target',
    'DynamoDB_20120810.DeleteItem',
  ];
  assert.deepEqual(repeatedHeaderNames(raw), []);
  const same = requestViewOf({
    method: 'POST',
    rawUrl: '/',
    rawHeaders: [...raw, 'Constructor', 'x', '__proto__', 'y'],
    body: Buffer.from('{"TableName":"prod"}'),
    signingName: 'dynamodb',
    region: 'us-east-1',
  });
  assert.equal(same.headers['x-amz-target'], 'DynamoDB_20120810.DeleteItem');
  assert.equal(same.headers.constructor, 'x');
  assert.equal(Object.getPrototypeOf(same.headers), Object.prototype);
  // A header named __proto__ is kept as an ordinary header, not lost to the prototype setter.
  assert.equal(Object.getOwnPropertyDescriptor(same.headers, '__proto__')?.value, 'y');
  assert.equal(identify(same).operation, 'DeleteItem');
  assert.equal(ambiguityOf(same, identify(same)), undefined);
});

void test('duplicate JSON keys anywhere, and top-level keys differing only in case, are ambiguous', () => {
  const cases = [
    '{"TableName":"dev","Key":{"id":{"S":"1"}},"TableName":"prod"}',
    '{"TableName":"dev","Table\\u004eame":"prod"}',
    '{"TableName":"dev","tablename":"prod"}',
    '{"TableName":"t","Key":{"id":{"S":"1"},"id":{"S":"2"}}}',
    '{"TableName":"t","Key":{"id":{"S":"1","S":"2"}}}',
  ];
  for (const body of cases) {
    const { why } = check({ headers: DDB, body: Buffer.from(body), signingName: 'dynamodb' });
    assert.match(why ?? '', /JSON body/, body);
  }
  // Item attribute names are data: "id" and "ID" are two attributes.
  const item = check({
    headers: { ...DDB, 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: Buffer.from(
      '{"TableName":"t","Item":{"id":{"S":"1"},"ID":{"S":"2"},"k":{"L":[{"S":"a"},{"S":"a"}]}}}',
    ),
    signingName: 'dynamodb',
  });
  assert.equal(item.why, undefined);
  // Strings that look like keys are not keys.
  assert.equal(jsonBodyProblem(Buffer.from('{"a":"\\"b\\":1,","b":["a","a"],"c":{"a":1}}')), undefined);
});

void test('a JSON body the gateway cannot read is ambiguous for an operation that reads it', () => {
  for (const body of ['{not json', '\ufeff{"TableName":"prod"}', '["TableName"]', '{"TableName":"prod"} x']) {
    const { why } = check({ headers: DDB, body: Buffer.from(body), signingName: 'dynamodb' });
    assert.ok(why !== undefined, body);
  }
  const latin1 = Buffer.concat([Buffer.from('{"TableName":"pro'), Buffer.from([0xff]), Buffer.from('d"}')]);
  assert.match(check({ headers: DDB, body: latin1, signingName: 'dynamodb' }).why ?? '', /UTF-8/);
  // A form POST to a REST search (CloudSearch domain) is read as its query, not as JSON.
  const search = check({
    path: '/2013-01-01/search',
    headers: FORM,
    body: Buffer.from('format=sdk&pretty=true&q=x'),
    signingName: 'cloudsearch',
  });
  assert.equal(search.id.operation, 'Search');
  assert.equal(search.why, undefined);
  // A blob payload (Lambda Invoke) is not JSON the gateway reads.
  const invoke = check({
    path: '/2015-03-31/functions/f/invocations',
    body: Buffer.from('not json'),
    signingName: 'lambda',
  });
  assert.equal(invoke.id.operation, 'Invoke');
  assert.equal(invoke.why, undefined);
  // rest-json body members are read: a duplicate there is ambiguous.
  const create = check({
    path: '/2015-03-31/functions',
    body: Buffer.from('{"FunctionName":"dev","Role":"r","FunctionName":"prod"}'),
    signingName: 'lambda',
  });
  assert.equal(create.id.operation, 'CreateFunction');
  assert.match(create.why ?? '', /FunctionName/);
});

void test('query and form parameters given twice are ambiguous, also across query and body and in other case', () => {
  const sqs = (body: string, query: Array<[string, string]> = []): string | undefined =>
    check({ headers: FORM, body: Buffer.from(body), query, signingName: 'sqs' }).why;
  assert.match(sqs('Action=DeleteQueue&QueueUrl=/123456789012/a&QueueUrl=/123456789012/b') ?? '', /QueueUrl/);
  assert.match(
    sqs('Action=DeleteQueue&QueueUrl=/123456789012/a', [['Action', 'ListQueues']]) ?? '',
    /Action/,
  );
  assert.match(sqs('Action=ListQueues&action=DeleteQueue&QueueUrl=/123456789012/a') ?? '', /action/);
  assert.match(sqs('Action=ListQueues&Version=2012-11-05&Version=2012-11-05') ?? '', /Version/);
  assert.equal(sqs('Action=DeleteQueue&QueueUrl=/123456789012/a&Version=2012-11-05'), undefined);
  // REST: list members may repeat, nothing else.
  const untag = check({
    method: 'DELETE',
    path: '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af',
    query: [
      ['tagKeys', 'a'],
      ['tagKeys', 'b'],
    ],
    signingName: 'lambda',
  });
  assert.equal(untag.id.operation, 'UntagResource');
  assert.equal(untag.why, undefined);
  const ver = check({
    method: 'GET',
    path: '/b/k',
    query: [
      ['versionId', '1'],
      ['versionId', '2'],
    ],
    signingName: 's3',
  });
  assert.match(ver.why ?? '', /versionId/);
});

void test('two protocols at once, and a query call with a body that is not a form, are ambiguous', () => {
  const both = check({
    headers: { ...DDB, ...FORM },
    body: Buffer.from('Action=ListQueues'),
    signingName: 'sqs',
  });
  assert.match(both.why ?? '', /X-Amz-Target/);
  const actionInQuery = check({
    headers: { 'x-amz-target': 'AmazonSQS.DeleteQueue' },
    query: [['Action', 'ListQueues']],
    body: Buffer.from('{"QueueUrl":"/123456789012/a"}'),
    signingName: 'sqs',
  });
  assert.match(actionInQuery.why ?? '', /X-Amz-Target/);
  const textBody = check({
    query: [['Action', 'ListQueues']],
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from('Action=DeleteQueue&QueueUrl=/123456789012/a'),
    signingName: 'sqs',
  });
  assert.equal(textBody.id.operation, 'ListQueues');
  assert.match(textBody.why ?? '', /not form-encoded/);
});

void test('SQS: a queue named by the path is the resource; a QueueUrl naming another queue is ambiguous', () => {
  const pathOnly = check({
    path: '/123456789012/prod',
    headers: FORM,
    body: Buffer.from('Action=DeleteQueue'),
    signingName: 'sqs',
  });
  assert.equal(pathOnly.id.operation, 'DeleteQueue');
  assert.equal(pathOnly.id.params.QueueUrl, '/123456789012/prod');
  assert.equal(pathOnly.why, undefined);
  const same = check({
    path: '/123456789012/prod',
    headers: FORM,
    body: Buffer.from('Action=DeleteQueue&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F123456789012%2Fprod'),
    signingName: 'sqs',
  });
  assert.equal(same.why, undefined);
  const other = check({
    path: '/123456789012/prod',
    headers: FORM,
    body: Buffer.from(
      'Action=DeleteQueue&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fdev',
    ),
    signingName: 'sqs',
  });
  assert.match(other.why ?? '', /names queue 123456789012\/prod but its QueueUrl/);
});

void test('content codings: the decoded body is what is identified; an undecodable one is ambiguous when read', () => {
  const form = 'Action=PutMetricData&Version=2010-08-01&Namespace=n&MetricData.member.1.MetricName=m';
  const decoded = bodyForIdentify(gzipSync(form), 'gzip');
  assert.equal(decoded.body?.toString(), form);
  const id = identify(
    v({ headers: { ...FORM, 'content-encoding': 'gzip' }, body: decoded.body, signingName: 'monitoring' }),
  );
  assert.equal(id.operation, 'PutMetricData');
  assert.equal(bodyForIdentify(Buffer.from('x'), 'identity').body?.toString(), 'x');
  for (const [body, coding] of [
    [Buffer.from('not gzip'), 'gzip'],
    [gzipSync(gzipSync(form)), 'gzip, gzip'],
    [Buffer.from(form), 'compress'],
  ] as const) {
    const r = bodyForIdentify(body, coding);
    assert.ok(r.problem !== undefined && r.body === undefined, coding);
    const view = v({ headers: DDB, bodyProblem: r.problem, signingName: 'dynamodb' });
    assert.equal(ambiguityOf(view, identify(view)), r.problem);
  }
  const bomb = bodyForIdentify(gzipSync(Buffer.alloc(17 * 1024 * 1024)), 'gzip');
  assert.match(bomb.problem ?? '', /more than/);
  // A body identify never reads (an S3 object) may carry any coding.
  const put = v({ method: 'PUT', path: '/b/k', bodyProblem: 'x', signingName: 's3' });
  assert.equal(ambiguityOf(put, identify(put)), undefined);
});

void test('requests as SDKs send them are not ambiguous', () => {
  const cases: ViewInput[] = [
    { headers: DDB, body: Buffer.from('{"TableName":"t","Key":{"id":{"S":"1"}}}'), signingName: 'dynamodb' },
    {
      method: 'GET',
      path: '/',
      query: [
        ['Action', 'GetCallerIdentity'],
        ['Version', '2011-06-15'],
      ],
      signingName: 'sts',
    },
    {
      headers: FORM,
      body: Buffer.from('Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2'),
      signingName: 'ec2',
    },
    {
      method: 'GET',
      path: '/bucket',
      query: [
        ['list-type', '2'],
        ['prefix', 'a/'],
      ],
      signingName: 's3',
    },
    { method: 'PUT', path: '/bucket/a/b%20c.txt', signingName: 's3' },
    { method: 'DELETE', path: '/2015-03-31/functions/prod', signingName: 'lambda' },
  ];
  for (const c of cases) {
    const { id, why } = check(c);
    assert.ok(id.operation !== undefined, JSON.stringify(c));
    assert.equal(why, undefined, JSON.stringify(c));
  }
});
