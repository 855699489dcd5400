import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { awsModel } from '../../gateway/aws/model';
import type { CallResponseData } from '../../gateway/journal/events';
import { compileMaskRules, planFor, Placeholders } from '../../gateway/masking';
import { deliverResponse, MASK_CAP_BYTES } from '../../gateway/recording/deliver-response';

/**
 * deliverResponse between two real HTTP servers: an upstream that answers as AWS would, and a
 * front that delivers its answers to a real client. The record callback sees what the client has
 * received at the moment the event is written, which is how "recorded before the agent has it" is
 * checked without any timing assumption.
 */
interface Upstream {
  status: number;
  headers: Record<string, string>;
  chunks: Buffer[];
}

let upstream: Upstream = { status: 200, headers: {}, chunks: [] };
let call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST' };
let recordFails = false;
const records: { data: CallResponseData; clientBytesAtRecord: number; clientEnded: boolean }[] = [];
let clientBytes = 0;
let clientEnded = false;
const ph = Placeholders.forTask(randomBytes(32), 't-deliver');

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

void describe('recording: response delivery', () => {
  let up: http.Server;
  let front: http.Server;
  let upPort = 0;
  let frontPort = 0;
  before(async () => {
    up = http.createServer((_req, res) => {
      res.writeHead(upstream.status, upstream.headers);
      const chunks = [...upstream.chunks];
      const pump = (): void => {
        const c = chunks.shift();
        if (!c) return void res.end();
        res.write(c);
        setImmediate(pump);
      };
      pump();
    });
    upPort = await listen(up);
    front = http.createServer((req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      http.get({ host: '127.0.0.1', port: upPort, path: '/' }, (upRes) => {
        deliverResponse({
          up: upRes,
          res,
          upstreamStartedAt: started,
          callId: 'c-1',
          service: call.service,
          operation: call.operation,
          protocol: awsModel().byId.get(call.service)?.protocol ?? 'unknown',
          method: call.method,
          arrivedAt: started,
          plan: planFor({ ...call, actions: [] }, 'response', compileMaskRules([])),
          placeholders: ph,
          record: (data) => {
            records.push({ data, clientBytesAtRecord: clientBytes, clientEnded });
            return recordFails ? Promise.reject(new Error('disk full')) : Promise.resolve();
          },
        }).catch((e: { code?: string; status?: number }) => {
          if (!res.headersSent)
            res.writeHead(e.status ?? 500, { 'x-error': e.code ?? 'x' }).end(`refused: ${e.code}`);
          else res.destroy();
        });
      });
      req.resume();
    });
    frontPort = await listen(front);
  });
  after(() => {
    up.close();
    front.close();
  });

  function fetchFront(): Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
    complete: boolean;
  }> {
    clientBytes = 0;
    clientEnded = false;
    records.length = 0;
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: frontPort, path: '/', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          clientBytes += c.length;
          chunks.push(c);
        });
        res.on('end', () => {
          clientEnded = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete: res.complete,
          });
        });
        res.on('error', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete: false,
          }),
        );
      });
      req.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false }));
    });
  }

  void test('a JSON answer is masked, recorded before the client gets a byte, with a corrected length', async () => {
    call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST' };
    const body = JSON.stringify({ Name: 'db', SecretString: 'deliver-canary-1' });
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'rid-1' },
      chunks: [Buffer.from(body)],
    };
    const r = await fetchFront();
    assert.equal(r.status, 200);
    assert.ok(!r.body.toString().includes('deliver-canary-1'));
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.clientBytesAtRecord, 0);
    const d = records[0]?.data;
    assert.equal(d?.awsRequestId, 'rid-1');
    assert.ok(d?.body?.includes('«airlock:masked:secretsmanager:SecretString:'));
    assert.ok(!JSON.stringify(d).includes('deliver-canary-1'));
    assert.equal(d?.masked?.[0]?.field, 'SecretString');
  });

  void test('a gzip answer is decoded, masked, re-encoded', async () => {
    const body = JSON.stringify({ SecretString: 'deliver-canary-gz', Name: 'x' });
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      chunks: [zlib.gzipSync(body)],
    };
    const r = await fetchFront();
    assert.equal(r.headers['content-encoding'], 'gzip');
    const text = zlib.gunzipSync(r.body).toString();
    assert.ok(!text.includes('deliver-canary-gz') && text.includes('"Name":"x"'));
    assert.ok(!JSON.stringify(records[0]?.data).includes('deliver-canary-gz'));
  });

  void test('an unmasked answer passes byte for byte (no re-serialisation)', async () => {
    call = { service: 'dynamodb', operation: 'GetItem', method: 'POST' };
    const body = '{ "Item" : {"n": {"N": "12345678901234567890.000"}} }';
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-crc32': '1' },
      chunks: [Buffer.from(body)],
    };
    const r = await fetchFront();
    assert.equal(r.body.toString(), body);
    assert.equal(r.headers['x-amz-crc32'], '1');
    assert.equal(records[0]?.data.body, body);
  });

  void test('an object body streams, and its last chunk waits for the record', async () => {
    call = { service: 's3', operation: 'GetObject', method: 'GET' };
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.alloc(5_000, 3)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(total), etag: '"abc"' },
      chunks,
    };
    const r = await fetchFront();
    assert.equal(r.body.length, total);
    assert.equal(records.length, 1);
    assert.ok(
      (records[0]?.clientBytesAtRecord ?? total) < total,
      'the client did not have it all at record time',
    );
    assert.equal(records[0]?.clientEnded, false);
    assert.equal(records[0]?.data.bodyStreamed, true);
    assert.equal(records[0]?.data.responseBytes, total);
    assert.deepEqual(records[0]?.data.bodyChecksums, { etag: '"abc"' });
    assert.equal(records[0]?.data.body, undefined, 'object bytes are never recorded');
  });

  void test('a failing record withholds a buffered answer (the agent gets an error, not the data)', async () => {
    call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST' };
    recordFails = true;
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      chunks: [Buffer.from('{"SecretString":"x","Name":"kept-back"}')],
    };
    const r = await fetchFront();
    recordFails = false;
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-error'], 'RecordingUnavailable');
    assert.ok(!r.body.toString().includes('kept-back'));
  });

  void test('a failing record cuts a streamed answer short', async () => {
    call = { service: 's3', operation: 'GetObject', method: 'GET' };
    recordFails = true;
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(1000, 2)];
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': '71000' },
      chunks,
    };
    const r = await fetchFront();
    recordFails = false;
    assert.equal(r.complete, false);
    assert.ok(r.body.length < 71_000);
  });

  void test('a secret-bearing answer over the masking cap is refused, an ordinary one passes', async () => {
    const big = Buffer.alloc(MASK_CAP_BYTES + 10, 0x20);
    call = { service: 'secretsmanager', operation: 'GetSecretValue', method: 'POST' };
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      chunks: [Buffer.from('{"SecretString":"'), big, Buffer.from('"}')],
    };
    let r = await fetchFront();
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-error'], 'ResponseNotMaskable');
    call = { service: 's3', operation: 'ListObjectsV2', method: 'GET' };
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/xml' },
      chunks: [Buffer.from('<a>'), big, Buffer.from('</a>')],
    };
    r = await fetchFront();
    assert.equal(r.status, 200);
    assert.equal(r.body.length, big.length + 7);
    assert.equal(records[0]?.data.maskingSkipped, 'over-cap');
  });

  void test('a secret-bearing answer that is not what it claims is refused; errors are recorded with their code', async () => {
    call = { service: 'kms', operation: 'Decrypt', method: 'POST' };
    upstream = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      chunks: [Buffer.from('Plaintext=abc')],
    };
    let r = await fetchFront();
    assert.equal(r.status, 502);
    upstream = {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      chunks: [Buffer.from('{"__type":"com.amazonaws.kms#NotFoundException","message":"no key"}')],
    };
    r = await fetchFront();
    assert.equal(r.status, 400);
    assert.equal(records[0]?.data.errorCode, 'NotFoundException');
  });
});
