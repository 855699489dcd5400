/** Paths AWS and the gateway could read differently are named as ambiguous, or identify nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from './support/ambiguity-check';

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
