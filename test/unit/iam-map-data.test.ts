import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IamRequirement } from '../../gateway/aws/types';
import { ACCT, call, map, r } from './support/iam-map-helpers';

void test('S3 renames, versioned variants, copies, multi-object deletes and write side effects', () => {
  const obj = { Bucket: 'b', Key: 'k' };
  const O = 'arn:aws:s3:::b/k';
  const B = 'arn:aws:s3:::b';
  assert.deepEqual(map(call('s3', 'GetObject', { ...obj, VersionId: 'v1' })), [r('s3:GetObjectVersion', O)]);
  assert.deepEqual(map(call('s3', 'DeleteObject', { ...obj, VersionId: 'v1' })), [
    r('s3:DeleteObjectVersion', O),
  ]);
  assert.deepEqual(map(call('s3', 'PutObjectAcl', { ...obj, VersionId: 'v1' })), [
    r('s3:PutObjectVersionAcl', O),
  ]);
  for (const op of ['CreateMultipartUpload', 'CompleteMultipartUpload'])
    assert.deepEqual(map(call('s3', op, obj)), [r('s3:PutObject', O)]);
  assert.deepEqual(map(call('s3', 'ListParts', obj)), [r('s3:ListMultipartUploadParts', O)]);
  assert.deepEqual(map(call('s3', 'ListObjectVersions', { Bucket: 'b' })), [r('s3:ListBucketVersions', B)]);
  assert.deepEqual(map(call('s3', 'ListMultipartUploads', { Bucket: 'b' })), [
    r('s3:ListBucketMultipartUploads', B),
  ]);
  assert.deepEqual(map(call('s3', 'HeadBucket', { Bucket: 'b' })), [r('s3:ListBucket', B)]);
  assert.deepEqual(map(call('s3', 'ListBuckets')), [r('s3:ListAllMyBuckets')]);
  assert.deepEqual(map(call('s3', 'PutBucketLifecycleConfiguration', { Bucket: 'b' })), [
    r('s3:PutLifecycleConfiguration', B),
  ]);
  assert.deepEqual(map(call('s3', 'GetBucketPolicy', { Bucket: 'b' })), [r('s3:GetBucketPolicy', B)]);
  assert.deepEqual(map(call('s3', 'DeleteBucketCors', { Bucket: 'b' })), [r('s3:PutBucketCORS', B)]);
  assert.deepEqual(map(call('s3', 'GetBucketEncryption', { Bucket: 'b' })), [
    r('s3:GetEncryptionConfiguration', B),
  ]);
  assert.deepEqual(map(call('s3', 'DeletePublicAccessBlock', { Bucket: 'b' })), [
    r('s3:PutBucketPublicAccessBlock', B),
  ]);
  assert.deepEqual(map(call('s3', 'ListBucketInventoryConfigurations', { Bucket: 'b' })), [
    r('s3:GetInventoryConfiguration', B),
  ]);
  assert.deepEqual(map(call('s3', 'GetObjectAttributes', obj)), [
    r('s3:GetObject', O),
    r('s3:GetObjectAttributes', O),
  ]);
  assert.deepEqual(
    map(call('s3', 'CopyObject', { Bucket: 'dst', Key: 'to', CopySource: '/src/a%20b.txt?versionId=3' })),
    [r('s3:PutObject', 'arn:aws:s3:::dst/to'), r('s3:GetObjectVersion', 'arn:aws:s3:::src/a b.txt')],
  );
  assert.deepEqual(map(call('s3', 'UploadPartCopy', { Bucket: 'dst', Key: 'to', CopySource: 'src/dir/x' })), [
    r('s3:PutObject', 'arn:aws:s3:::dst/to'),
    r('s3:GetObject', 'arn:aws:s3:::src/dir/x'),
  ]);
  // Never `b/*`: without the keys the call is refused.
  assert.throws(() => map(call('s3', 'DeleteObjects', { Bucket: 'b' })), { code: 'MalformedXML' });
  assert.throws(() => map(call('s3', 'DeleteObjects', { Bucket: 'b', Delete: { Objects: [] } })), {
    code: 'MalformedXML',
  });
  assert.deepEqual(
    map(call('s3', 'DeleteObjects', { Bucket: 'b', Delete: { Objects: [{ Key: 'x' }, { Key: 'y' }] } })),
    [r('s3:DeleteObject', 'arn:aws:s3:::b/x', 'arn:aws:s3:::b/y')],
  );
  assert.deepEqual(
    map(
      call('s3', 'DeleteObjects', {
        Bucket: 'b',
        Delete: {
          Objects: [
            { Key: 'secret/a.txt' },
            { Key: 'x', VersionId: 'v1' },
            { Key: 'secret/a.txt' },
            { Key: 'a*b?' },
          ],
        },
      }),
    ),
    [
      r('s3:DeleteObject', 'arn:aws:s3:::b/secret/a.txt', 'arn:aws:s3:::b/a*b?'),
      r('s3:DeleteObjectVersion', 'arn:aws:s3:::b/x'),
    ],
  );
  // A copy source that does not name exactly one object is refused, not decided on `*`.
  for (const CopySource of ['//src/k', '/src/', 'src', '', 'src/a+b', 'src/%zz'])
    assert.throws(() => map(call('s3', 'CopyObject', { Bucket: 'dst', Key: 'to', CopySource })), {
      code: 'InvalidArgument',
    });
  assert.deepEqual(
    map(
      call('s3', 'CopyObject', {
        Bucket: 'dst',
        Key: 'to',
        CopySource:
          'arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/ap1/object/dir/a%2Bb?versionId=v',
      }),
    ),
    [
      r('s3:PutObject', 'arn:aws:s3:::dst/to'),
      r('s3:GetObjectVersion', 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap1/object/dir/a+b'),
    ],
  );
  assert.deepEqual(map(call('s3', 'PutObject', { ...obj, Tagging: 'a=b', ACL: 'private' })), [
    r('s3:PutObject', O),
    r('s3:PutObjectTagging', O),
    r('s3:PutObjectAcl', O),
  ]);
  const ap = 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap1';
  assert.deepEqual(map(call('s3', 'GetObject', { Bucket: ap, Key: 'k' })), [
    r('s3:GetObject', `${ap}/object/k`),
  ]);
  assert.deepEqual(map(call('s3', 'GetObject', obj, 'cn-north-1')), [
    r('s3:GetObject', 'arn:aws-cn:s3:::b/k'),
  ]);
});

void test('DynamoDB tables, indexes, batches, transactions and PartiQL', () => {
  const T = (t: string): string => `arn:aws:dynamodb:eu-west-1:${ACCT}:table/${t}`;
  const dd = (op: string, p: Record<string, unknown>): IamRequirement[] =>
    map(call('dynamodb', op, p, 'eu-west-1'));
  assert.deepEqual(dd('GetItem', { TableName: 'orders' }), [r('dynamodb:GetItem', T('orders'))]);
  assert.deepEqual(dd('Query', { TableName: 'orders', IndexName: 'byCustomer' }), [
    r('dynamodb:Query', `${T('orders')}/index/byCustomer`),
  ]);
  assert.deepEqual(dd('BatchGetItem', { RequestItems: { orders: {}, users: {} } }), [
    r('dynamodb:BatchGetItem', T('orders'), T('users')),
  ]);
  assert.deepEqual(dd('BatchWriteItem', { RequestItems: { orders: [] } }), [
    r('dynamodb:BatchWriteItem', T('orders')),
  ]);
  assert.deepEqual(
    dd('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'orders' } },
        { Update: { TableName: 'users' } },
        { Put: { TableName: 'audit' } },
        { ConditionCheck: { TableName: 'users' } },
      ],
    }),
    [
      r('dynamodb:PutItem', T('orders'), T('audit')),
      r('dynamodb:UpdateItem', T('users')),
      r('dynamodb:ConditionCheckItem', T('users')),
    ],
  );
  assert.deepEqual(dd('TransactGetItems', { TransactItems: [{ Get: { TableName: 'orders' } }] }), [
    r('dynamodb:GetItem', T('orders')),
  ]);
  assert.deepEqual(
    dd('ExecuteStatement', { Statement: 'SELECT * FROM "orders"."byCustomer" WHERE pk = ?' }),
    [r('dynamodb:PartiQLSelect', `${T('orders')}/index/byCustomer`)],
  );
  assert.deepEqual(dd('ExecuteStatement', { Statement: "insert into orders value {'pk': 1}" }), [
    r('dynamodb:PartiQLInsert', T('orders')),
  ]);
  // The table is the one the statement reads, not the first FROM-looking text.
  assert.deepEqual(dd('ExecuteStatement', { Statement: 'SELECT "FROM orders" FROM "secret"' }), [
    r('dynamodb:PartiQLSelect', T('secret')),
  ]);
  assert.deepEqual(dd('ExecuteStatement', { Statement: 'SELECT * FROM"secret"' }), [
    r('dynamodb:PartiQLSelect', T('secret')),
  ]);
  for (const [Statement, action] of [
    ['DELETE FROM "secret" WHERE pk = \'FROM orders\'', 'dynamodb:PartiQLDelete'],
    ['UPDATE\n"secret" SET a = \'INTO orders\' WHERE pk = 1', 'dynamodb:PartiQLUpdate'],
    ["INSERT INTO\"secret\"VALUE {'pk': 'UPDATE orders'}", 'dynamodb:PartiQLInsert'],
  ] as const)
    assert.deepEqual(dd('ExecuteStatement', { Statement }), [r(action, T('secret'))]);
  assert.deepEqual(
    dd('BatchExecuteStatement', {
      Statements: [
        { Statement: 'SELECT * FROM "orders" WHERE pk = 1' },
        { Statement: 'SELECT * FROM "secret" WHERE pk = 1' },
        { Statement: 'DELETE FROM "orders" WHERE pk = 1' },
        { Statement: 'SELECT * FROM "orders" WHERE pk = 2' },
      ],
    }),
    [r('dynamodb:PartiQLSelect', T('orders'), T('secret')), r('dynamodb:PartiQLDelete', T('orders'))],
  );
  assert.deepEqual(
    dd('ExecuteTransaction', {
      TransactStatements: [
        { Statement: 'EXISTS(SELECT * FROM "secret" WHERE pk = 1)' },
        { Statement: 'UPDATE "orders" SET a = 1 WHERE pk = 1' },
      ],
    }),
    [r('dynamodb:PartiQLSelect', T('secret')), r('dynamodb:PartiQLUpdate', T('orders'))],
  );
  // One statement that cannot be read refuses the whole call, whatever the others say.
  for (const [op, p] of [
    ['ExecuteStatement', { Statement: 'SELECT * FROM "secret' }],
    ['ExecuteStatement', {}],
    ['BatchExecuteStatement', { Statements: [] }],
    [
      'BatchExecuteStatement',
      { Statements: [{ Statement: 'SELECT * FROM "orders"' }, { Statement: 'SELECT * FROM x, "secret"' }] },
    ],
    ['ExecuteTransaction', { TransactStatements: [{ Statement: 'SELECT * FROM "orders"' }, {}] }],
  ] as const)
    assert.throws(() => dd(op, p), { code: 'ValidationException' }, `${op} ${JSON.stringify(p)}`);
  const arn = 'arn:aws:dynamodb:us-west-2:111122223333:table/shared';
  assert.deepEqual(dd('PutItem', { TableName: arn }), [r('dynamodb:PutItem', arn)]);
  assert.deepEqual(dd('ListTables', {}), [r('dynamodb:ListTables')]);
});
