import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { MASK_CAP_BYTES } from '../../gateway/recording/deliver-response';
import { DeliveryHarness } from './support/deliver-harness';

void describe('recording: response delivery', () => {
  let h: DeliveryHarness;
  before(async () => {
    h = await DeliveryHarness.start();
  });
  after(() => h.close());

  void test('a JSON answer is masked, recorded before the client gets a byte, with a corrected length', async () => {
    h.call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST', protocol: 'json' };
    const body = JSON.stringify({ Name: 'db', SecretString: 'deliver-canary-1' });
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'rid-1' },
      chunks: [Buffer.from(body)],
    };
    const r = await h.fetch();
    assert.equal(r.status, 200);
    assert.ok(!r.body.toString().includes('deliver-canary-1'));
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(h.records.length, 1);
    assert.equal(h.records[0]?.clientBytesAtRecord, 0);
    const d = h.records[0]?.data;
    assert.equal(d?.awsRequestId, 'rid-1');
    assert.ok(d?.body?.includes('«airlock:masked:secretsmanager:SecretString:'));
    assert.ok(!JSON.stringify(d).includes('deliver-canary-1'));
    assert.equal(d?.masked?.[0]?.field, 'SecretString');
  });

  void test('a gzip answer is decoded, masked, re-encoded', async () => {
    const body = JSON.stringify({ SecretString: 'deliver-canary-gz', Name: 'x' });
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      chunks: [zlib.gzipSync(body)],
    };
    const r = await h.fetch();
    assert.equal(r.headers['content-encoding'], 'gzip');
    const text = zlib.gunzipSync(r.body).toString();
    assert.ok(!text.includes('deliver-canary-gz') && text.includes('"Name":"x"'));
    assert.ok(!JSON.stringify(h.records[0]?.data).includes('deliver-canary-gz'));
  });

  void test('an unmasked answer passes byte for byte (no re-serialisation)', async () => {
    h.call = { service: 'dynamodb', operation: 'GetItem', method: 'POST', protocol: 'json' };
    const body = '{ "Item" : {"n": {"N": "12345678901234567890.000"}} }';
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '1' },
      chunks: [Buffer.from(body)],
    };
    const r = await h.fetch();
    assert.equal(r.body.toString(), body);
    assert.equal(r.headers['x-amz-crc32'], '1');
    assert.equal(h.records[0]?.data.body, body);
  });

  void test('an object body streams, and its last chunk waits for the record', async () => {
    h.call = { service: 's3', operation: 'GetObject', method: 'GET', protocol: 'rest-xml' };
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(5_000, 3)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(total), etag: '"abc"' },
      chunks,
    };
    const r = await h.fetch();
    assert.equal(r.body.length, total);
    assert.equal(h.records.length, 1);
    assert.ok(
      (h.records[0]?.clientBytesAtRecord ?? total) < total,
      'the client did not have it all at record time',
    );
    assert.equal(h.records[0]?.clientEnded, false);
    assert.equal(h.records[0]?.data.bodyStreamed, true);
    assert.equal(h.records[0]?.data.responseBytes, total);
    assert.deepEqual(h.records[0]?.data.bodyChecksums, { etag: '"abc"' });
    assert.equal(h.records[0]?.data.body, undefined, 'object bytes are never recorded');
  });

  void test('a failing record withholds a buffered answer (the agent gets an error, not the data)', async () => {
    h.call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST', protocol: 'json' };
    h.recordFails = true;
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      chunks: [Buffer.from('{"SecretString":"x","Name":"kept-back"}')],
    };
    const r = await h.fetch();
    h.recordFails = false;
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-error'], 'RecordingUnavailable');
    assert.ok(!r.body.toString().includes('kept-back'));
  });

  void test('a failing record cuts a streamed answer short', async () => {
    h.call = { service: 's3', operation: 'GetObject', method: 'GET', protocol: 'rest-xml' };
    h.recordFails = true;
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(1000, 2)];
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': '71000' },
      chunks,
    };
    const r = await h.fetch();
    h.recordFails = false;
    assert.equal(r.complete, false);
    assert.ok(r.body.length < 71_000);
  });

  void test('a secret-bearing answer over the masking cap is refused, an ordinary one passes', async () => {
    const big = Buffer.alloc(MASK_CAP_BYTES + 10, 0x20);
    h.call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST', protocol: 'json' };
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      chunks: [Buffer.from('{"SecretString":"'), big, Buffer.from('"}')],
    };
    let r = await h.fetch();
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-error'], 'ResponseNotMaskable');
    h.call = { service: 's3', operation: 'ListObjectsV2', method: 'GET', protocol: 'rest-xml' };
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      chunks: [Buffer.from('<a>'), big, Buffer.from('</a>')],
    };
    r = await h.fetch();
    assert.equal(r.status, 200);
    assert.equal(r.body.length, big.length + 7);
    assert.equal(h.records[0]?.data.maskingSkipped, 'over-cap');
  });

  void test('an error answer over the masking cap is refused: it could not be scrubbed of a signature echo', async () => {
    const big = Buffer.alloc(MASK_CAP_BYTES + 10, 0x20);
    h.call = { service: 's3', operation: 'ListObjectsV2', method: 'GET', protocol: 'rest-xml' };
    h.upstream = {
      status: 403,
      headers: { 'content-type': 'application/xml' },
      chunks: [
        Buffer.from('<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>AKIAREALKEY</AWSAccessKeyId>'),
        big,
        Buffer.from('</Error>'),
      ],
    };
    const r = await h.fetch();
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-error'], 'ResponseNotMaskable');
    assert.ok(!r.body.includes('AKIAREALKEY'));
  });

  void test('a secret-bearing answer that is not what it claims is refused; errors are recorded with their code', async () => {
    h.call = { service: 'kms', operation: 'Decrypt', method: 'POST', protocol: 'json' };
    h.upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      chunks: [Buffer.from('Plaintext=abc')],
    };
    let r = await h.fetch();
    assert.equal(r.status, 502);
    h.upstream = {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      chunks: [Buffer.from('{"__type":"com.amazonaws.kms#NotFoundException","message":"no key"}')],
    };
    r = await h.fetch();
    assert.equal(r.status, 400);
    assert.equal(h.records[0]?.data.errorCode, 'NotFoundException');
  });
});
