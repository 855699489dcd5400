import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { identify } from '../../gateway/aws/identify';
import { resolveTarget, upstreamPath } from '../../gateway/upstream/upstream-target';

function s3View(host: string, path: string): ReturnType<typeof identify> {
  return identify({
    method: 'GET',
    path,
    query: [],
    headers: {},
    signingName: 's3',
    region: 'us-east-1',
    host,
  });
}

void describe('proxy mode: where an intercepted call is forwarded', () => {
  void test('without --upstream: the very AWS host the client addressed, over TLS', () => {
    const id = s3View('uploads.s3.amazonaws.com', '/k');
    const t = resolveTarget(id, undefined, 'uploads.s3.amazonaws.com');
    assert.deepEqual(t, {
      protocol: 'https:',
      hostname: 'uploads.s3.amazonaws.com',
      port: undefined,
      hostHeader: 'uploads.s3.amazonaws.com',
      basePath: '',
    });
    assert.equal(upstreamPath(t, '/k'), '/k');
    assert.equal(resolveTarget(id, undefined, 'uploads.s3.amazonaws.com:8443').port, 8443);
  });

  void test('with --upstream: a virtual-hosted bucket becomes path-style', () => {
    const up = new URL('https://127.0.0.1:9000');
    const id = s3View('uploads.s3.us-east-1.amazonaws.com', '/big/blob%20one.bin');
    assert.equal(id.params.Bucket, 'uploads');
    const t = resolveTarget(id, up, 'uploads.s3.us-east-1.amazonaws.com');
    assert.equal(t.hostHeader, '127.0.0.1:9000');
    assert.equal(upstreamPath(t, '/big/blob%20one.bin'), '/uploads/big/blob%20one.bin');
    assert.equal(upstreamPath(t, '/'), '/uploads');
  });

  void test('with --upstream: path-style requests stay as they are, even for a bucket named like the service', () => {
    const up = new URL('http://127.0.0.1:9000');
    const id = s3View('s3.amazonaws.com', '/s3/key');
    assert.equal(id.params.Bucket, 's3');
    const t = resolveTarget(id, up, 's3.amazonaws.com');
    assert.equal(upstreamPath(t, '/s3/key'), '/s3/key');
  });
});
