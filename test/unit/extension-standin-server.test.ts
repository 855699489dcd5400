import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import { STANDIN_CODE, StandInServer } from '../../extension/gateway/standin-server';
import { freePort } from '../support/loopback';

let standIn: StandInServer;
let port: number;

before(async () => {
  port = await freePort();
  standIn = new StandInServer();
  await standIn.open(port);
});
after(async () => {
  await standIn.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request whose body is announced but only partly sent: the answer must not wait for the rest. */
function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(3_000, () => req.destroy(new Error('the stand-in did not answer within 3 s')));
    if (body) req.write(body);
    else req.end();
  });
}

const AUTH = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

void test('a JSON-protocol call (x-amz-target) gets a JSON error naming Airlock, at once', async () => {
  const a = await send('POST', '/', {
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': 'DynamoDB_20120810.ListTables',
    'Content-Length': '1000000',
    Authorization: AUTH('dynamodb'),
  });
  assert.equal(a.status, 400);
  const j = JSON.parse(a.body) as { __type: string; message: string };
  assert.equal(j.__type, STANDIN_CODE);
  assert.match(j.message, /Airlock gateway is not running/);
  assert.match(j.message, /not sent to AWS/);
  assert.match(j.message, /Airlock: Restart Gateway/);
  assert.equal(a.headers.connection, 'close');
  assert.ok(a.headers['retry-after']);
});

void test('a query-protocol call (form-encoded) gets an XML ErrorResponse', async () => {
  const a = await send(
    'POST',
    '/',
    { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Authorization: AUTH('sts') },
    'Action=GetCallerIdentity&Version=2011-06-15',
  );
  assert.equal(a.status, 400);
  assert.match(a.body, /^<\?xml[^]*<ErrorResponse><Error>/);
  assert.match(a.body, new RegExp(`<Code>${STANDIN_CODE}</Code>`));
  assert.match(a.body, /<Message>The Airlock gateway is not running/);
  assert.equal(a.headers.connection, 'close');
});

void test('a rest-json GET (Lambda) gets JSON; an S3 GET gets XML', async () => {
  const lambda = await send('GET', '/2015-03-31/functions/', { Authorization: AUTH('lambda') });
  assert.equal((JSON.parse(lambda.body) as { __type: string }).__type, STANDIN_CODE);
  const s3 = await send('GET', '/bucket?list-type=2', { Authorization: AUTH('s3') });
  assert.match(s3.body, /<Code>AirlockGatewayDown<\/Code>/);
  const presigned = await send(
    'GET',
    '/bucket/key?X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request',
    {},
  );
  assert.match(presigned.body, /<Code>AirlockGatewayDown<\/Code>/);
});

void test('a CONNECT (proxy mode) is refused with 503 and the message, and the socket closed', async () => {
  const socket = connect(port, '127.0.0.1');
  socket.write('CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  await new Promise<void>((resolve, reject) => {
    socket.on('end', () => resolve());
    socket.on('error', reject);
    socket.setTimeout(3_000, () => reject(new Error('the CONNECT was not answered within 3 s')));
  });
  socket.destroy();
  assert.match(text, /^HTTP\/1\.1 503 /);
  assert.match(text, /Connection: close/);
  assert.match(text, /The Airlock gateway is not running/);
});

void test('listens on 127.0.0.1 only', async () => {
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address);
  for (const address of others) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, address);
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    assert.ok(refused, `reachable on ${address}`);
  }
  // And always: it is not on the IPv6 loopback either (a wildcard bind would be).
  const v6 = await new Promise<boolean>((resolve) => {
    const s = connect(port, '::1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
  assert.ok(v6, 'reachable on ::1');
});

void test('a taken port is an error to the caller; close frees the port', async () => {
  const second = new StandInServer();
  await assert.rejects(second.open(port), /EADDRINUSE/);
  assert.equal(second.listening, false);

  const own = new StandInServer();
  const p = await freePort();
  await own.open(p);
  // An idle keep-alive socket must not keep the port busy after close.
  const idle = connect(p, '127.0.0.1');
  await new Promise<void>((r) => idle.once('connect', () => r()));
  await own.close();
  const taker = createServer();
  await new Promise<void>((resolve, reject) => {
    taker.once('error', reject);
    taker.listen(p, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((r) => taker.close(() => r()));
  idle.destroy();
});
