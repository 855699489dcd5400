/** Requests AWS and the gateway could read differently are named as ambiguous (and refused upstream of decide). */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { identify } from '../../gateway/aws/identify';
import { ambiguityOf } from '../../gateway/aws/identify-ambiguity';
import { jsonBodyProblem } from '../../gateway/aws/params-json-check';
import type { Identified, RequestView } from '../../gateway/aws/types';
import { bodyForIdentify, repeatedHeaderNames, requestViewOf } from '../../gateway/pipeline/request-view';

type ViewInput = Partial<RequestView> & { readonly signingName: string };

function v(input: ViewInput): RequestView {
  return { method: 'POST', path: '/', query: [], headers: {}, region: 'us-east-1', ...input };
}

function check(input: ViewInput): { id: Identified; why: string | undefined } {
  const view = v(input);
  const id = identify(view);
  return { id, why: ambiguityOf(view, id) };
}

const DDB = { 'x-amz-target': 'DynamoDB_20120810.DeleteItem', 'content-type': 'application/x-amz-json-1.0' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

void test('non-S3 paths: dot, encoded dot and empty segments are ambiguous; a trailing slash is not', () => {
  for (const path of [
    '/2015-03-31/functions/orders/../secret/invocations',
    '/2015-03-31/./functions/prod',
    '/2015-03-31//functions/prod',
    '/2015-03-31/functions/%2E%2e/invocations',
    '/2015-03-31/functions/.%2E',
    '//2015-03-31/functions/prod',
    '2015-03-31/functions/prod',
  ]) {
    const { why } = check({ method: 'DELETE', path, signingName: 'lambda' });
    assert.ok(why !== undefined, path);
  }
  for (const path of [
    '/2015-03-31/functions/',
    '/2015-03-31/functions/prod',
    '/',
    '/2015-03-31/functions/a.b',
  ]) {
    const { why } = check({ method: 'GET', path, signingName: 'lambda' });
    assert.equal(why, undefined, path);
  }
  // Encoded slashes inside a label are one label (tag APIs take ARNs there).
  const tags = check({
    method: 'GET',
    path: '/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aa%2Fb',
    signingName: 'lambda',
  });
  assert.equal(tags.why, undefined);
  assert.equal(tags.id.operation, 'ListTags');
});

void test('S3 keys keep their dots and slashes; a dot in the bucket position identifies nothing', () => {
  for (const [path, key] of [
    ['/bucket/a/../b', 'a/../b'],
    ['/bucket/./x', './x'],
    ['/bucket//x', '/x'],
    ['/bucket/a%2F..%2Fb', 'a/../b'],
  ] as const) {
    const { id, why } = check({ method: 'GET', path, signingName: 's3' });
    assert.equal(why, undefined, path);
    assert.equal(id.operation, 'GetObject', path);
    assert.equal(id.params.Key, key, path);
    assert.equal(id.params.Bucket, 'bucket', path);
  }
  for (const path of ['/../bucket/k', '/./k', '/%2e%2e/k', '//bucket/k']) {
    const { id } = check({ method: 'DELETE', path, signingName: 's3' });
    assert.equal(id.operation, undefined, path);
  }
  // S3 Control is signed as s3 but names no objects: a dot label is no access point name (the
  // path then reads as an object key of a bucket "v20180820", and goes to S3 as that).
  const ctl = check({
    method: 'DELETE',
    path: '/v20180820/accesspoint/..',
    headers: { 'x-amz-account-id': '123456789012' },
    signingName: 's3',
  });
  assert.notEqual(ctl.id.service, 's3control');
  assert.equal(ctl.id.params.Key, 'accesspoint/..');
});

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

void test('a path whose lenient reading names another operation is left unidentified', () => {
  const arn = 'arn%3Aaws%3Aworkspaces-web%3Aus-east-1%3A123456789012%3Aportal/p1';
  const query: Array<[string, string]> = [['browserSettingsArn', 'bs']];
  const exact = check({
    method: 'PUT',
    path: `/portals/${arn}/browserSettings`,
    query,
    signingName: 'workspaces-web',
  });
  assert.equal(exact.id.operation, 'AssociateBrowserSettings');
  for (const tail of ['browser%53ettings', 'BROWSERSETTINGS']) {
    // As sent it fits UpdatePortal (the greedy label swallows the tail); decoded or case-folded,
    // AssociateBrowserSettings. Which one AWS runs is not ours to guess.
    const { id } = check({
      method: 'PUT',
      path: `/portals/${arn}/${tail}`,
      query,
      signingName: 'workspaces-web',
    });
    assert.equal(id.operation, undefined, tail);
  }
  // S3 subresources in another case: ListObjects as sent, DeleteBucketPolicy read leniently.
  assert.equal(
    check({ method: 'DELETE', path: '/bucket', query: [['Policy', '']], signingName: 's3' }).id.operation,
    undefined,
  );
  assert.equal(
    check({ method: 'DELETE', path: '/bucket', query: [['policy', '']], signingName: 's3' }).id.operation,
    'DeleteBucketPolicy',
  );
  // Escapes inside a label are the same label either way.
  const label = check({ method: 'DELETE', path: '/2015-03-31/functions/%70rod', signingName: 'lambda' });
  assert.equal(label.id.operation, 'DeleteFunction');
  assert.equal(label.id.params.FunctionName, 'prod');
});

void test('S3-signed paths that name no objects (S3 Control) get the dot-segment rule; so does a slash after a greedy label', () => {
  const ctl = check({
    method: 'GET',
    path: '/v20180820/tags/arn:aws:s3:us-east-1:123456789012:accesspoint/./ap',
    headers: { 'x-amz-account-id': '123456789012' },
    signingName: 's3',
  });
  assert.equal(ctl.id.service, 's3control');
  assert.match(ctl.why ?? '', /"\." segment/);
  const slash = check({
    method: 'GET',
    path: '/destinations/arn:aws:iot:us-east-1:123456789012:ruledestination/http/x/',
    signingName: 'iot',
  });
  assert.match(slash.why ?? '', /ends with "\/" after a label/);
});
