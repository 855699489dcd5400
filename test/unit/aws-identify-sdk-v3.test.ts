/**
 * Requests serialised and signed by the real JS v3 clients (captured at the HTTP handler, never
 * sent) must be identified as the command that produced them, x-id and all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { HttpRequest } from '@smithy/protocol-http';

import { identify } from '../../gateway/aws/identify';
import type { RequestView } from '../../gateway/aws/types';

class Captured extends Error {
  constructor(readonly request: HttpRequest) {
    super('captured');
  }
}

const requestHandler = {
  handle(request: HttpRequest): Promise<never> {
    return Promise.reject(new Captured(request));
  },
};

const common = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  credentials: { accessKeyId: 'AKIDAIRLOCKTEST', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler,
};

interface Sendable {
  send(command: never): Promise<unknown>;
}

async function capture(client: Sendable, command: unknown): Promise<RequestView> {
  try {
    await client.send(command as never);
  } catch (err) {
    if (!(err instanceof Captured)) throw err;
    const r = err.request;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
    const query: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(r.query)) {
      for (const item of Array.isArray(v) ? v : [v]) query.push([k, item ?? '']);
    }
    const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '');
    const body: unknown = r.body;
    return {
      method: r.method,
      path: r.path,
      query,
      headers,
      ...(typeof body === 'string'
        ? { body: Buffer.from(body) }
        : body instanceof Uint8Array
          ? { body: Buffer.from(body) }
          : {}),
      signingName: scope?.[1] ?? 'missing',
      region: 'us-east-1',
    };
  }
  throw new Error('request was not captured');
}

void test('JS v3 S3 commands are identified, x-id included', async () => {
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const Bucket = 'my-bucket';
  const Key = 'dir/a b+c.txt';
  const cases: Array<[unknown, string, Record<string, unknown>]> = [
    [new ListBucketsCommand({}), 'ListBuckets', {}],
    [new ListObjectsV2Command({ Bucket, Prefix: 'dir/' }), 'ListObjectsV2', { Bucket, Prefix: 'dir/' }],
    [new GetObjectCommand({ Bucket, Key }), 'GetObject', { Bucket, Key }],
    [new HeadObjectCommand({ Bucket, Key }), 'HeadObject', { Bucket, Key }],
    [new PutObjectCommand({ Bucket, Key, Body: 'hello' }), 'PutObject', { Bucket, Key }],
    [
      new CopyObjectCommand({ Bucket, Key, CopySource: 'src/k' }),
      'CopyObject',
      { Bucket, Key, CopySource: 'src/k' },
    ],
    [new CreateMultipartUploadCommand({ Bucket, Key }), 'CreateMultipartUpload', { Bucket, Key }],
    [
      new UploadPartCommand({ Bucket, Key, UploadId: 'u1', PartNumber: 2, Body: 'x' }),
      'UploadPart',
      { Bucket, Key, UploadId: 'u1', PartNumber: '2' },
    ],
    [
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: 'u1',
        MultipartUpload: { Parts: [{ ETag: 'e', PartNumber: 1 }] },
      }),
      'CompleteMultipartUpload',
      { Bucket, Key, UploadId: 'u1' },
    ],
    [
      new AbortMultipartUploadCommand({ Bucket, Key, UploadId: 'u1' }),
      'AbortMultipartUpload',
      { Bucket, Key, UploadId: 'u1' },
    ],
    [new DeleteObjectCommand({ Bucket, Key }), 'DeleteObject', { Bucket, Key }],
    [new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key }] } }), 'DeleteObjects', { Bucket }],
    [new GetBucketLifecycleConfigurationCommand({ Bucket }), 'GetBucketLifecycleConfiguration', { Bucket }],
  ];
  for (const [command, expected, params] of cases) {
    const v = await capture(s3, command);
    const got = identify(v);
    assert.equal(got.service, 's3', expected);
    assert.equal(got.operation, expected, `${v.method} ${v.path} ${JSON.stringify(v.query)}`);
    for (const [k, value] of Object.entries(params))
      assert.deepEqual(got.params[k], value, `${expected}.${k}`);
  }
});

void test('JS v3 DynamoDB and STS commands are identified', async () => {
  const ddb = new DynamoDBClient(common);
  const ddbCases: Array<[unknown, string]> = [
    [new PutItemCommand({ TableName: 't', Item: { id: { S: '1' } } }), 'PutItem'],
    [new QueryCommand({ TableName: 't', KeyConditionExpression: 'id = :v' }), 'Query'],
    [new ListTablesCommand({}), 'ListTables'],
    [new DescribeTableCommand({ TableName: 't' }), 'DescribeTable'],
  ];
  for (const [command, expected] of ddbCases) {
    const got = identify(await capture(ddb, command));
    assert.deepEqual([got.service, got.operation, got.protocol], ['dynamodb', expected, 'json']);
    if (expected !== 'ListTables') assert.equal(got.params.TableName, 't');
  }
  const sts = new STSClient(common);
  const who = identify(await capture(sts, new GetCallerIdentityCommand({})));
  assert.deepEqual([who.service, who.operation, who.protocol], ['sts', 'GetCallerIdentity', 'query']);
  const assume = identify(
    await capture(sts, new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role/r', RoleSessionName: 's' })),
  );
  assert.deepEqual([assume.operation, assume.params.RoleArn], ['AssumeRole', 'arn:aws:iam::1:role/r']);
});
