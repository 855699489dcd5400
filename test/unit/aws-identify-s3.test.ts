/** Targeted S3 identification cases: path-style and virtual-hosted routing, labels, members, x-id. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORM, op, type ViewInput } from './support/identify-view';

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
