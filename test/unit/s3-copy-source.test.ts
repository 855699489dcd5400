import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCopySource, type CopySource } from '../../gateway/aws/s3-copy-source';

function source(raw: string): CopySource {
  const r = parseCopySource(raw);
  assert.ok(r.ok, `${JSON.stringify(raw)} should be read: ${r.ok ? '' : r.reason}`);
  return r.source;
}

void test('x-amz-copy-source: the forms S3 documents and the SDKs send', () => {
  const cases: Array<[string, CopySource]> = [
    ['src/k', { bucket: 'src', key: 'k' }],
    ['/src/k', { bucket: 'src', key: 'k' }],
    ['src/dir/a%20b.txt', { bucket: 'src', key: 'dir/a b.txt' }],
    ['src/a b.txt', { bucket: 'src', key: 'a b.txt' }],
    ['src/a%2Bb%3Fc%23d%25e', { bucket: 'src', key: 'a+b?c#d%e' }],
    ['src/%E6%97%A5%E6%9C%AC', { bucket: 'src', key: '日本' }],
    ['src//k', { bucket: 'src', key: '/k' }],
    ['src/k/', { bucket: 'src', key: 'k/' }],
    ['src/k?versionId=3%2B', { bucket: 'src', key: 'k', versionId: '3+' }],
    ['/My_Legacy.Bucket-1/k', { bucket: 'My_Legacy.Bucket-1', key: 'k' }],
    [
      'arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/dir/report%20A.html',
      { bucket: 'arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap', key: 'dir/report A.html' },
    ],
    [
      '/arn%3Aaws%3As3%3Aus-west-2%3A123456789012%3Aaccesspoint/my-ap/object/k?versionId=v',
      { bucket: 'arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap', key: 'k', versionId: 'v' },
    ],
    [
      'arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01ac5d28a6a232904/accesspoint/ap/object/k',
      {
        bucket: 'arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01ac5d28a6a232904/accesspoint/ap',
        key: 'k',
      },
    ],
    // A key that itself reads like an access point ARN stays a key of its bucket.
    [
      'src/arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/k',
      {
        bucket: 'src',
        key: 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/k',
      },
    ],
  ];
  for (const [raw, expected] of cases) assert.deepEqual(source(raw), expected, raw);
});

void test('x-amz-copy-source: whatever two readings could split differently is refused', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['//src/k', /bucket is empty/],
    ['///src/k', /bucket is empty/],
    ['/src', /names no key/],
    ['src', /names no key/],
    ['src/', /key is empty/],
    ['/src/?versionId=1', /key is empty/],
    ['src%2Fk/x', /not a valid bucket name/],
    ['sr/k', /not a valid bucket name/],
    ['s:rc/k', /not a valid bucket name/],
    ['src/%zz', /malformed percent escape/],
    ['src/%C3%28', /not UTF-8/],
    ['src/%', /malformed percent escape/],
    ['src/a+b', /raw \+/],
    ['src/a#b', /raw \+, #/],
    ['src/\u00e9', /non-ASCII/],
    ['src/a\tb', /control/],
    ['src/a\u0000b', /control/],
    ['src/k?versionId=', /versionId/],
    ['src/k?versionId', /versionId/],
    ['src/k?versionid=1', /versionId/],
    ['src/k?versionId=1&x=2', /versionId/],
    ['src/k?versionId=1?versionId=2', /versionId/],
    ['src/k?x', /versionId/],
    ['arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/', /key is empty/],
    ['arn:aws:s3:us-west-2:123456789012:accesspoint/ap/k', /not a valid bucket name/],
    ['arn:aws:s3:us-west-2:123456789012:accesspoint%2Fap/object/k', /not a valid bucket name/],
  ];
  for (const [raw, why] of cases) {
    const r = parseCopySource(raw);
    assert.ok(!r.ok, `${JSON.stringify(raw)} should be refused, got ${JSON.stringify(r)}`);
    assert.match(r.reason, why, raw);
  }
});
