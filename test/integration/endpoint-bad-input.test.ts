import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { awsV1 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { rawRequest, sendSigned } from '../support/signed-request';
import { type Stack, startStack } from '../support/stack';

function rawSocket(port: number, bytes: string | Buffer, endAfter = true): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    sock.on('data', (d) => (text += d.toString()));
    sock.on('close', () => resolve(text));
    sock.on('error', () => resolve(text));
    sock.write(bytes);
    if (endAfter) sock.end();
  });
}

/** Hostile or broken input gets an AWS-shaped 4xx and the gateway keeps serving. */
void describe('endpoint mode: bad input', () => {
  let s: Stack;
  let endpoint: string;
  before(async () => {
    s = await startStack();
    endpoint = s.task.env.AWS_ENDPOINT_URL!;
  });
  after(async () => {
    await s?.close();
  });

  void test('no authorization at all: MissingAuthenticationToken', async () => {
    const r = await rawRequest(endpoint, 'GET', '/', {});
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>MissingAuthenticationToken<\/Code>/);
  });

  void test('a malformed Authorization header: 400 IncompleteSignature', async () => {
    for (const auth of [
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 Credential=/,,',
      'Bearer abc',
      'AWS4-HMAC-SHA256 Credential=AK/2020/us/x/aws4_request, SignedHeaders=host, Signature=zz',
    ]) {
      const r = await rawRequest(endpoint, 'POST', '/', {
        authorization: auth,
        'x-amz-date': '20250101T000000Z',
      });
      assert.ok(r.status >= 400 && r.status < 500, `${auth} → ${r.status}`);
      assert.match(r.body, /<Code>[A-Za-z]+<\/Code>|"__type"/);
    }
  });

  void test('a garbage path with a valid signature is refused or answered, never a crash', async () => {
    const r = await sendSigned({
      endpoint,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'nonexistentsvc',
      method: 'GET',
      path: '/%E0%A4%A/../../etc/passwd',
    });
    assert.ok(r.status >= 400 && r.status < 600, String(r.status));
  });

  void test('a JSON call with an invalid body is answered in JSON error shape', async () => {
    const r = await sendSigned({
      endpoint,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'dynamodb',
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
      body: '{not json',
    });
    assert.ok(r.status >= 400 && r.status < 500, String(r.status));
  });

  void test('a JSON body nested thousands deep is refused as unreadable, on the record; recording goes on', async () => {
    const before = s.fake.received.length;
    const deep = `{"TableName":"t","Item":{"id":${'{"L":['.repeat(2500)}${']}'.repeat(2500)}}}`;
    const r = await sendSigned({
      endpoint,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'dynamodb',
      headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
      body: deep,
    });
    // Recording its params used to overflow the stack: a 503 that told the user to free disk space.
    assert.equal(r.status, 400, r.body);
    assert.match(r.body, /"__type":"InvalidRequest"/);
    assert.match(r.body, /the JSON body nests deeper than 256 levels/);
    assert.equal(s.fake.received.length, before, 'AWS received nothing');
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const refusal = events.find(
      (e) => e.type === 'call.error' && /nests deeper/.test(String(e.data.message)),
    );
    assert.equal(refusal?.data.code, 'InvalidRequest');
    const next = await awsV1(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(next.code, 0, next.stderr);
  });

  void test('a signed-chunk upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) is refused clearly, before its body', async () => {
    const before = s.fake.received.length;
    const r = await sendSigned({
      endpoint,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 's3',
      method: 'PUT',
      path: '/uploads/chunked.bin',
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '5',
      },
      body:
        '5;chunk-signature=' +
        '0'.repeat(64) +
        '\r\nhello\r\n0;chunk-signature=' +
        '0'.repeat(64) +
        '\r\n\r\n',
    });
    assert.equal(r.status, 501);
    assert.match(r.body, /<Code>NotImplemented<\/Code>/);
    assert.match(r.body, /signed-chunk uploads/);
    assert.equal(s.fake.received.length, before);
  });

  void test('a huge header block: 431, connection closed', async () => {
    const big = 'x'.repeat(64 * 1024);
    const text = await rawSocket(s.gw.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${big}\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 431/);
  });

  void test('non-HTTP bytes: 400', async () => {
    const text = await rawSocket(
      s.gw.port,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]),
    );
    assert.match(text, /^HTTP\/1\.1 400/);
  });

  void test('a client that aborts mid-body does not hurt anyone else', async () => {
    const partial = `PUT /uploads/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\nAuthorization: AWS4-HMAC-SHA256 Credential=${s.task.env.AWS_ACCESS_KEY_ID}/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}\r\nX-Amz-Date: 20250101T000000Z\r\n\r\nabc`;
    const sock = net.connect(s.gw.port, '127.0.0.1');
    sock.write(partial);
    await new Promise((r) => setTimeout(r, 100));
    sock.destroy();
    const r = await awsV1(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
  });

  void test('after all of that the gateway process is still alive', () => {
    assert.equal(s.gw.proc.exitCode, null);
  });
});
