import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { crc32, crc32c, crc64nvme } from '../../gateway/aws/crc';
import { checkBodyDigests } from '../../gateway/aws/s3-body-digests';

const wrap = (inner: string): string =>
  `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</Delete>`;

void describe('digests of a buffered S3 body', () => {
  void test('the CRCs match their reference values and the AWS SDK', async () => {
    const nine = Buffer.from('123456789');
    assert.equal(crc32(nine), 0xcbf43926);
    assert.equal(crc32c(nine), 0xe3069283);
    assert.equal(crc64nvme(nine).toString('hex'), 'ae8b14860a799888');
    const data = Buffer.from(Array.from({ length: 100_003 }, (_, i) => (i * 7919 + (i >> 5)) & 0xff));
    for (const [Sdk, ours] of [
      [Crc32c, (b: Buffer) => Buffer.from(Uint32Array.of(crc32c(b)).buffer).reverse()],
      [Crc64Nvme, crc64nvme],
    ] as const) {
      const sdk = new Sdk();
      sdk.update(data);
      assert.equal(Buffer.from(await sdk.digest()).toString('hex'), Buffer.from(ours(data)).toString('hex'));
    }
  });

  void test('every digest header must match the body; unknown or malformed ones refuse', () => {
    const body = Buffer.from(wrap('<Object><Key>k</Key></Object>'));
    const b64 = (alg: string): string => createHash(alg).update(body).digest('base64');
    const u32 = (n: number): string => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b.toString('base64');
    };
    const good: Record<string, string> = {
      'content-md5': b64('md5'),
      'x-amz-checksum-sha1': b64('sha1'),
      'x-amz-checksum-sha256': b64('sha256'),
      'x-amz-checksum-crc32': u32(crc32(body)),
      'x-amz-checksum-crc32c': u32(crc32c(body)),
      'x-amz-checksum-crc64nvme': crc64nvme(body).toString('base64'),
      'x-amz-checksum-type': 'FULL_OBJECT',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
    };
    assert.deepEqual(checkBodyDigests(body, good), { ok: true });
    assert.deepEqual(checkBodyDigests(body, {}), { ok: true });
    const other = Buffer.from(wrap('<Object><Key>secret/a</Key></Object>'));
    for (const name of Object.keys(good).filter((n) => n !== 'x-amz-checksum-type' && !n.includes('sdk'))) {
      const r = checkBodyDigests(other, { [name]: good[name] ?? '' });
      assert.ok(!r.ok && /did not match/.test(r.reason), name);
    }
    const bad: Array<Record<string, string>> = [
      { 'content-md5': `${b64('md5')},${b64('md5')}` },
      { 'content-md5': 'not base64!' },
      { 'x-amz-checksum-crc32': '' },
      { 'x-amz-checksum-xxhash64': 'AAAAAAAAAAA=' },
    ];
    for (const headers of bad) {
      assert.ok(!checkBodyDigests(body, headers).ok, JSON.stringify(headers));
    }
  });
});
