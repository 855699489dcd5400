import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasAwsCliV2 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { awsV2Proxy, boto3Proxy, type ProxyStack, startProxyStack } from './proxy-support';

const POLICY = {
  version: 1,
  denyRules: [
    {
      id: 'keep-secret-objects',
      reason: 'objects under secret/ are kept',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: ['arn:aws:s3:::uploads/secret/*'],
    },
  ],
};

/**
 * DeleteObjects in proxy mode: virtual-hosted bucket hosts, AWS CLI 2.9 (which sends Content-MD5)
 * and boto3; decided per key exactly as in endpoint mode.
 */
void describe('proxy mode: DeleteObjects is decided per key', () => {
  let s: ProxyStack;
  let dir: string;
  const listed = async (): Promise<string[]> =>
    (await boto3Proxy(
      `s3 = boto3.client('s3')\nresult = [o['Key'] for o in s3.list_objects_v2(Bucket='uploads').get('Contents', [])]`,
      s.task.env,
    )) as string[];
  const reachedDeletes = (): number =>
    s.fake.received.filter((c) => c.backendReached && c.method === 'POST' && /[?&]delete/.test(c.path))
      .length;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-proxy-batch-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify(POLICY));
    s = await startProxyStack({ gatewayArgs: ['--policy', join(dir, 'policy.json')] });
    await boto3Proxy(
      `s3 = boto3.client('s3')\ns3.create_bucket(Bucket='uploads')\n` +
        `for k in ['secret/a.txt', 'public/b.txt', 'public/c d.txt', 'public/e.txt']: s3.put_object(Bucket='uploads', Key=k, Body=b'x')`,
      s.task.env,
    );
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('boto3: a batch naming secret/a.txt is denied and never forwarded; an allowed batch runs', async () => {
    const before = reachedDeletes();
    await assert.rejects(
      boto3Proxy(
        `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/b.txt'}, {'Key': 'secret/a.txt'}]})`,
        s.task.env,
      ),
      /AccessDenied.*s3:DeleteObject on arn:aws:s3:::uploads\/secret\/a\.txt/s,
    );
    assert.equal(reachedDeletes(), before);
    assert.deepEqual((await listed()).sort(), [
      'public/b.txt',
      'public/c d.txt',
      'public/e.txt',
      'secret/a.txt',
    ]);

    const deleted = await boto3Proxy(
      `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/b.txt'}]})['Deleted']`,
      s.task.env,
    );
    assert.deepEqual(deleted, [{ Key: 'public/b.txt' }]);
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const request = events
      .filter((e) => e.type === 'call.request' && e.data.operation === 'DeleteObjects')
      .pop();
    assert.equal(request?.data.arrival, 'proxy');
    assert.deepEqual(request?.data.actions, [
      { action: 's3:DeleteObject', resources: ['arn:aws:s3:::uploads/public/b.txt'] },
    ]);
  });

  void test(
    'AWS CLI 2.9 s3 rm --recursive: the whole bucket is refused, the public prefix goes',
    { skip: !hasAwsCliV2 && 'no /usr/bin/aws' },
    async () => {
      let r = await awsV2Proxy(['s3', 'rm', '--recursive', 's3://uploads/'], s.task.env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr + r.stdout, /AccessDenied/);
      assert.ok((await listed()).includes('secret/a.txt'));
      r = await awsV2Proxy(['s3', 'rm', '--recursive', 's3://uploads/public/'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listed(), ['secret/a.txt']);
    },
  );
});
