import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { readJournalEvents } from '../support/journal';
import { rawConnect } from '../support/loopback';
import { chunked, rawExchange, signedHead } from '../support/raw-wire';
import { type ProxyStack, startProxyStack } from './proxy-support';

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';

/** Writes `bytes` inside TLS through a CONNECT to `host`; resolves with the answer once closed. */
async function tlsExchange(s: ProxyStack, host: string, bytes: string): Promise<string> {
  const { status, socket } = await rawConnect(s.gw.port, `${host}:443`);
  assert.equal(status, 200);
  const ca = await readFile(join(s.gw.dataDir, 'ca.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const t = tlsConnect({ socket, servername: host, ca }, () => t.write(bytes));
    let text = '';
    const timer = setTimeout(() => t.destroy(), 10_000);
    t.on('data', (d: Buffer) => (text += d.toString('latin1')));
    t.once('error', reject);
    t.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

/** Proxy mode's two ways out (an intercepted AWS call, a plain-HTTP request) keep each request's body its own. */
void describe('proxy mode: request framing never diverges upstream', () => {
  let s: ProxyStack;
  let origin: http.Server;
  let originPort: number;
  const originSaw: string[] = [];
  before(async () => {
    s = await startProxyStack();
    origin = http.createServer((req, res) => {
      originSaw.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.end('ok\n'));
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
    originPort = (origin.address() as AddressInfo).port;
  });
  after(async () => {
    await s?.close();
    origin?.closeAllConnections();
    origin?.close();
  });

  void test('an intercepted S3 GET with a chunked body reaches AWS as that one call', async () => {
    s.fake.reset();
    const host = 's3.us-east-1.amazonaws.com';
    const head = await signedHead({
      port: s.gw.port,
      host,
      key: { accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY! },
      service: 's3',
      method: 'GET',
      path: '/framing-bucket',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'transfer-encoding': 'chunked' },
    });
    const text = await tlsExchange(s, host, `${head}Connection: close\r\n\r\n${chunked(SMUGGLED)}`);
    assert.match(text, /^HTTP\/1\.1 \d{3} /);
    assert.deepEqual(
      s.fake.received.map((c) => `${c.method} ${c.path}`),
      ['GET /framing-bucket'],
    );
  });

  void test('an absolute-form target inside an intercepted connection is refused and recorded, never forwarded', async () => {
    s.fake.reset();
    const host = 's3.us-east-1.amazonaws.com';
    // Signed over the path, as signers do; the authority names another bucket than the one decided on.
    const head = await signedHead({
      port: s.gw.port,
      host,
      key: { accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!, secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY! },
      service: 's3',
      method: 'GET',
      path: '/framing-bucket',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    const absolute = head.replace(
      'GET /framing-bucket ',
      'GET http://other-bucket.s3.us-east-1.amazonaws.com/framing-bucket ',
    );
    const text = await tlsExchange(s, host, `${absolute}Connection: close\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.match(text, /<Code>MalformedRequest<\/Code>/);
    assert.match(text, /origin form/);
    assert.deepEqual(s.fake.received, []);
    const refusals = await readJournalEvents(s.gw.dataDir, '_gateway');
    assert.ok(
      refusals.some((e) => e.data.code === 'MalformedRequest' && /origin form/.test(String(e.data.message))),
      JSON.stringify(refusals.map((e) => e.data)),
    );
  });

  for (const method of ['GET', 'DELETE']) {
    void test(`a plain-HTTP ${method} with a chunked body reaches the origin as that one request`, async () => {
      originSaw.length = 0;
      const { text, timedOut } = await rawExchange(
        s.gw.port,
        `${method} http://localhost:${originPort}/first HTTP/1.1\r\nHost: localhost:${originPort}\r\n` +
          `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(SMUGGLED)}`,
      );
      assert.equal(timedOut, false);
      assert.match(text, /^HTTP\/1\.1 200 /);
      assert.deepEqual(originSaw, [`${method} /first`]);
    });
  }
});
