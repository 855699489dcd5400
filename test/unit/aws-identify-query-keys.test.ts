/**
 * Query keys that select an operation. S3 dispatches on sub-resource keys (`?policy`, `?acl`)
 * at a key's path as well as at a bucket's, and gains new ones faster than the gateway's model:
 * a key the identified operation does not read may be one that makes S3 run another operation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import { mapToIam } from '../../gateway/aws/iam-map';
import type { Identified, RequestView } from '../../gateway/aws/types';

type ViewInput = Partial<RequestView> & { readonly method: string; readonly path: string };

function op(v: ViewInput, signingName = 's3'): Identified {
  return identify({ query: [], headers: {}, signingName, region: 'us-east-1', ...v });
}

const q = (...keys: string[]): Array<[string, string]> =>
  keys.map((k) => {
    const eq = k.indexOf('=');
    return eq < 0 ? [k, ''] : [k.slice(0, eq), k.slice(eq + 1)];
  });

void test('a bucket sub-resource at a key path is not the object operation', () => {
  // Real S3 answers `GET /b/k?policy` with the bucket's policy, the key ignored; what it does
  // with a PUT or DELETE there cannot be told from the model, so none of these is PutObject.
  for (const [method, key] of [
    ['PUT', 'policy'],
    ['GET', 'policy'],
    ['DELETE', 'policy'],
    ['DELETE', 'lifecycle'],
    ['PUT', 'versioning'],
    ['PUT', 'publicAccessBlock'],
    ['HEAD', 'acl'],
    ['GET', 'list-type=2'],
  ] as const) {
    const id = op({ method, path: '/b/k', query: q(key) });
    assert.equal(id.operation, undefined, `${method} /b/k?${key} was identified as ${id.operation}`);
  }
  const put = op({ method: 'PUT', path: '/b/k', query: q('policy') });
  assert.deepEqual(
    mapToIam(put, { accountId: '123456789012' }).requirements.map((r) => r.action),
    ['s3:Unknown'],
  );
});

void test('S3 keys the model does not know (newer sub-resources, other case) leave the call unidentified', () => {
  for (const [method, path, key] of [
    ['PUT', '/b', 'abac'],
    ['DELETE', '/b', 'metadataTable'],
    ['PUT', '/b', 'metadataInventoryTable'],
    ['PUT', '/b/k', 'renameObject'],
    ['PUT', '/b/k', 'encryption'],
    ['DELETE', '/b/k', 'VersionId=v1'],
    ['GET', '/b/k', 'versionid=v1'],
  ] as const) {
    const id = op({ method, path, query: q(key) });
    assert.equal(id.operation, undefined, `${method} ${path}?${key} was identified as ${id.operation}`);
  }
});

void test('S3 requests as SDKs and presigners build them stay identified', () => {
  const cases: Array<[ViewInput, string]> = [
    [
      { method: 'GET', path: '/b/k', query: q('x-id=GetObject', 'response-content-type=text/plain') },
      'GetObject',
    ],
    [{ method: 'GET', path: '/b/k', query: q('versionId=v1', 'partNumber=1') }, 'GetObject'],
    [{ method: 'DELETE', path: '/b/k', query: q('versionId=v1', 'x-id=DeleteObject') }, 'DeleteObject'],
    [{ method: 'PUT', path: '/b/k', query: q('x-id=PutObject') }, 'PutObject'],
    [
      { method: 'PUT', path: '/b/k', query: q('partNumber=2', 'uploadId=u', 'x-id=UploadPart') },
      'UploadPart',
    ],
    [
      { method: 'POST', path: '/b/k', query: q('uploads', 'x-id=CreateMultipartUpload') },
      'CreateMultipartUpload',
    ],
    [{ method: 'POST', path: '/b', query: q('delete') }, 'DeleteObjects'],
    [
      { method: 'GET', path: '/b', query: q('lifecycle', 'x-id=GetBucketLifecycleConfiguration') },
      'GetBucketLifecycleConfiguration',
    ],
    [
      {
        method: 'GET',
        path: '/b',
        query: q('list-type=2', 'prefix=', 'delimiter=/', 'encoding-type=url', 'continuation-token=t'),
      },
      'ListObjectsV2',
    ],
    [{ method: 'GET', path: '/b', query: q('versions', 'key-marker=a', 'max-keys=5') }, 'ListObjectVersions'],
    [
      {
        method: 'GET',
        path: '/b/k',
        query: q(
          'X-Amz-Algorithm=AWS4-HMAC-SHA256',
          'X-Amz-Credential=AKIA/20240101/us-east-1/s3/aws4_request',
          'X-Amz-Date=20240101T000000Z',
          'X-Amz-Expires=60',
          'X-Amz-SignedHeaders=host',
          'X-Amz-Signature=00',
          'x-id=GetObject',
        ),
      },
      'GetObject',
    ],
    [{ method: 'GET', path: '/', query: q('max-buckets=10', 'x-id=ListBuckets') }, 'ListBuckets'],
  ];
  for (const [v, want] of cases) {
    const got = op(v).operation;
    assert.equal(got, want, `${v.method} ${v.path}?${JSON.stringify(v.query)}`);
  }
});

void test('other REST services: a key another route selects on is not ignored; unknown keys are', () => {
  // Chime selects operations with `?operation=`; a value no route names is not UpdateAccount.
  assert.equal(
    op({ method: 'POST', path: '/accounts/a1', query: q('operation=delete-everything') }, 'chime').operation,
    undefined,
  );
  assert.equal(
    op(
      { method: 'POST', path: '/accounts/a1', query: q('operation=associate-signin-delegate-groups') },
      'chime',
    ).operation,
    'AssociateSigninDelegateGroupsWithAccount',
  );
  assert.equal(op({ method: 'POST', path: '/accounts/a1' }, 'chime').operation, 'UpdateAccount');
  // Lambda routes on no query key: one it does not read changes nothing.
  assert.equal(
    op({ method: 'DELETE', path: '/2015-03-31/functions/prod', query: q('foo=1') }, 'lambda').operation,
    'DeleteFunction',
  );
});

void test('a bucket segment that decodes to what no bucket name holds is not a bucket', () => {
  // `/secret%2Fpasswords.txt` names no bucket "secret/passwords.txt" (none can exist); whether S3
  // reads it as the object passwords.txt in secret is not the gateway's to guess.
  for (const [method, path] of [
    ['GET', '/secret%2Fpasswords.txt'],
    ['DELETE', '/secret%2fpasswords.txt'],
    ['GET', '/secret%5Cpasswords.txt/k'],
    ['GET', '/secret%3Fx/k'],
  ] as const) {
    const id = op({ method, path });
    assert.equal(id.operation, undefined, `${method} ${path} was identified as ${id.operation}`);
  }
  // Escapes of characters bucket names do hold read the same either way.
  const id = op({ method: 'DELETE', path: '/%62kt' });
  assert.equal(id.operation, 'DeleteBucket');
  assert.equal(id.params.Bucket, 'bkt');
  assert.equal(op({ method: 'GET', path: '/Legacy_Bucket.v2/k' }).operation, 'GetObject');
});
