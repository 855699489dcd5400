import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { awsV1, boto3 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { batchSession, sdkS3 } from './batch-session';

/**
 * S3 batch calls are decided on every object they name, through the real CLI-started gateway and
 * real clients: DeleteObjects per key (from its XML body), and a copy's source from a strictly
 * read x-amz-copy-source. What cannot be read with certainty is refused and never reaches AWS.
 */
void describe('endpoint mode: S3 batch calls are decided per key and per copy source', () => {
  const s = batchSession();
  const { env, reached, lastRequest, exists, put, signed } = s;

  void test('AWS CLI v1 delete-objects naming secret/a.txt is denied; nothing reaches AWS; both objects stay', async () => {
    await put('secret/a.txt');
    await put('public/b.txt');
    const from = s.fake.received.length;
    const r = await awsV1(
      [
        's3api',
        'delete-objects',
        '--bucket',
        'uploads',
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'public/b.txt' }, { Key: 'secret/a.txt' }] }),
      ],
      env(),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /s3:DeleteObject on arn:aws:s3:::uploads\/secret\/a\.txt.*keep-secret-objects/);
    assert.deepEqual(reached(from), []);
    assert.equal(await exists('secret/a.txt'), true);
    assert.equal(await exists('public/b.txt'), true);
    const request = await lastRequest('DeleteObjects');
    assert.deepEqual(request?.data.actions, [
      {
        action: 's3:DeleteObject',
        resources: ['arn:aws:s3:::uploads/public/b.txt', 'arn:aws:s3:::uploads/secret/a.txt'],
      },
    ]);
  });

  void test('a batch of allowed keys goes through, recorded per key (AWS CLI v1, boto3, SDK v3)', async () => {
    for (const k of ['public/c.txt', 'public/d e+f.txt', 'public/g.txt', 'public/h.txt']) await put(k);
    let from = s.fake.received.length;
    const r = await awsV1(
      [
        's3api',
        'delete-objects',
        '--bucket',
        'uploads',
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'public/c.txt' }, { Key: 'public/d e+f.txt' }] }),
      ],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(reached(from).length, 1, reached(from).join('\n'));
    assert.equal(await exists('public/c.txt'), false);
    assert.equal(await exists('public/d e+f.txt'), false);
    assert.deepEqual((await lastRequest('DeleteObjects'))?.data.actions, [
      {
        action: 's3:DeleteObject',
        resources: ['arn:aws:s3:::uploads/public/c.txt', 'arn:aws:s3:::uploads/public/d e+f.txt'],
      },
    ]);

    from = s.fake.received.length;
    const deleted = await boto3(
      `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/g.txt'}]})['Deleted']`,
      env(),
    );
    assert.deepEqual(deleted, [{ Key: 'public/g.txt' }]);
    assert.equal(reached(from).length, 1);

    const out = await sdkS3(env()).send(
      new DeleteObjectsCommand({ Bucket: 'uploads', Delete: { Objects: [{ Key: 'public/h.txt' }] } }),
    );
    assert.deepEqual(
      out.Deleted?.map((d) => d.Key),
      ['public/h.txt'],
    );
    assert.equal(await exists('public/h.txt'), false);
  });

  void test('boto3 and SDK v3 delete-objects naming a secret key are denied too', async () => {
    await put('secret/z.txt');
    const from = s.fake.received.length;
    await assert.rejects(
      boto3(
        `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/x'}, {'Key': 'secret/z.txt', 'VersionId': 'null'}]})`,
        env(),
      ),
      /AccessDenied.*s3:DeleteObjectVersion on arn:aws:s3:::uploads\/secret\/z\.txt/s,
    );
    await assert.rejects(
      sdkS3(env()).send(
        new DeleteObjectsCommand({
          Bucket: 'uploads',
          Delete: { Objects: [{ Key: 'public/x' }, { Key: 'secret/z.txt' }] },
        }),
      ),
      (e: Error) => e.name === 'AccessDenied' && /uploads\/secret\/z\.txt/.test(e.message),
    );
    assert.deepEqual(reached(from), []);
    assert.equal(await exists('secret/z.txt'), true);
  });

  void test('a DeleteObjects body that cannot be read with certainty is refused with S3 codes, never forwarded', async () => {
    const body = (inner: string): string =>
      `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</Delete>`;
    const md5 = (b: string): string => createHash('md5').update(b).digest('base64');
    const cases: Array<[string, Record<string, string>, number, string]> = [
      // Two keys in one object: readers disagree on which one is deleted.
      [body('<Object><Key>public/x</Key><Key>secret/a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [body('<Object><Key>secret/<!-- -->a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [body('<Object><Key> secret/a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [
        body('<Object><Key>public/x</Key></Object>'),
        { 'content-md5': md5('something else') },
        400,
        'BadDigest',
      ],
      ['not xml', {}, 400, 'MalformedXML'],
    ];
    for (const [xml, headers, status, code] of cases) {
      const from = s.fake.received.length;
      const res = await signed({ path: '/uploads', query: { delete: '' }, headers, body: xml });
      assert.equal(res.status, status, res.body);
      assert.match(res.body, new RegExp(`<Code>${code}</Code>`));
      assert.match(res.body, /Airlock refused this DeleteObjects/);
      assert.deepEqual(reached(from), [], xml);
    }
    assert.equal(await exists('secret/a.txt'), true);
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    assert.ok(events.some((e) => e.type === 'call.error' && e.data.code === 'MalformedXML'));
  });

  void test('x-amz-copy-source: the read side is decided on the source; an ambiguous source is a 400', async () => {
    // Reading the source is denied: a copy out of secret/ is a read of secret/.
    let from = s.fake.received.length;
    let r = await awsV1(
      [
        's3api',
        'copy-object',
        '--bucket',
        'uploads',
        '--key',
        'public/copy.txt',
        '--copy-source',
        'uploads/secret/a.txt',
      ],
      env(),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /s3:GetObject on arn:aws:s3:::uploads\/secret\/a\.txt/);
    assert.deepEqual(reached(from), []);

    await put('public/src.txt');
    r = await awsV1(
      [
        's3api',
        'copy-object',
        '--bucket',
        'uploads',
        '--key',
        'public/copy.txt',
        '--copy-source',
        'uploads/public/src.txt',
      ],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await lastRequest('CopyObject'))?.data.actions, [
      { action: 's3:PutObject', resources: ['arn:aws:s3:::uploads/public/copy.txt'] },
      { action: 's3:GetObject', resources: ['arn:aws:s3:::uploads/public/src.txt'] },
    ]);

    for (const source of ['//uploads/secret/a.txt', '/uploads/', 'uploads', 'uploads/a+b', 'uploads/%zz']) {
      from = s.fake.received.length;
      const res = await signed({
        method: 'PUT',
        path: '/uploads/public/copy2.txt',
        headers: { 'x-amz-copy-source': source, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      assert.equal(res.status, 400, `${source}: ${res.body}`);
      assert.match(res.body, /<Code>InvalidArgument<\/Code>/);
      assert.match(res.body, /x-amz-copy-source cannot be read with certainty/);
      assert.deepEqual(reached(from), [], source);
    }
  });
});
