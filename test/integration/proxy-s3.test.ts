import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasAwsCliV2 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { awsV2Proxy, boto3Proxy, type ProxyStack, startProxyStack } from './proxy-support';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const noCli = !hasAwsCliV2 && 'no /usr/bin/aws';

/**
 * S3 through the proxy: clients address virtual-hosted bucket hosts (`uploads.s3.amazonaws.com`),
 * each a CONNECT with its own minted certificate; bodies stream through untouched.
 */
void describe('proxy mode: S3 with AWS CLI 2.9 and boto3', () => {
  let s: ProxyStack;
  let dir: string;
  before(async () => {
    s = await startProxyStack();
    dir = await mkdtemp(join(tmpdir(), 'airlock-proxy-s3-'));
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('s3 mb and s3 ls with AWS CLI 2.9', { skip: noCli }, async () => {
    let r = await awsV2Proxy(['s3', 'mb', 's3://uploads'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    r = await awsV2Proxy(['s3', 'ls'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /uploads/);
  });

  void test(
    'a 50 MB multipart upload and download with AWS CLI 2.9 keeps every byte',
    { skip: noCli },
    async () => {
      const data = randomBytes(50 * 1024 * 1024);
      const src = join(dir, 'big.bin');
      const back = join(dir, 'big.back');
      await writeFile(src, data);
      let r = await awsV2Proxy(['s3', 'cp', src, 's3://uploads/big/blob one.bin'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      r = await awsV2Proxy(['s3', 'ls', 's3://uploads/big/'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /blob one\.bin/);
      r = await awsV2Proxy(['s3', 'cp', 's3://uploads/big/blob one.bin', back], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await stat(back)).size, data.length);
      assert.equal(sha(await readFile(back)), sha(data));
      r = await awsV2Proxy(['s3', 'rm', 's3://uploads/big/blob one.bin'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      r = await awsV2Proxy(['s3', 'ls', 's3://uploads/big/'], s.task.env);
      assert.doesNotMatch(r.stdout, /blob one\.bin/);

      const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
      const reqs = events.filter((e) => e.type === 'call.request');
      const ops = reqs.map((e) => e.data.operation);
      for (const op of [
        'CreateMultipartUpload',
        'UploadPart',
        'CompleteMultipartUpload',
        'GetObject',
        'DeleteObject',
      ])
        assert.ok(ops.includes(op), `${op} missing in ${ops.join()}`);
      const part = reqs.find((e) => e.data.operation === 'UploadPart');
      assert.equal(part?.data.arrival, 'proxy');
      assert.deepEqual(part?.data.actions, [
        { action: 's3:PutObject', resources: ['arn:aws:s3:::uploads/big/blob one.bin'] },
      ]);
    },
  );

  void test('a 50 MB multipart round trip with boto3 (AWS_ENDPOINT_URL unset)', async () => {
    const data = randomBytes(50 * 1024 * 1024);
    const src = join(dir, 'boto.bin');
    const back = join(dir, 'boto.back');
    await writeFile(src, data);
    const result = await boto3Proxy(
      [
        `s3 = boto3.client('s3')`,
        `try:\n    s3.create_bucket(Bucket='boto-bucket')\nexcept s3.exceptions.BucketAlreadyOwnedByYou:\n    pass`,
        `s3.upload_file(${JSON.stringify(src)}, 'boto-bucket', 'nested/boto.bin')`,
        `s3.download_file('boto-bucket', 'nested/boto.bin', ${JSON.stringify(back)})`,
        `keys = [o['Key'] for o in s3.list_objects_v2(Bucket='boto-bucket').get('Contents', [])]`,
        `s3.delete_object(Bucket='boto-bucket', Key='nested/boto.bin')`,
        `after = s3.list_objects_v2(Bucket='boto-bucket').get('KeyCount')`,
        `result = {'keys': keys, 'after': after}`,
      ].join('\n'),
      s.task.env,
    );
    assert.deepEqual(result, { keys: ['nested/boto.bin'], after: 0 });
    assert.equal(sha(await readFile(back)), sha(data));
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const parts = events.filter(
      (e) =>
        e.type === 'call.request' &&
        e.data.operation === 'UploadPart' &&
        e.data.params.Bucket === 'boto-bucket',
    );
    assert.ok(parts.length >= 2, `expected a multipart upload, saw ${parts.length} parts`);
    assert.ok(s.fake.received.every((c) => c.verified === 'ok'));
  });
});
