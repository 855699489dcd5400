import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sendSigned } from '../support/signed-request';
import { type Stack, startStack } from '../support/stack';

/** Sends raw bytes and resolves with everything the gateway answered before closing. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    sock.setTimeout(10_000, () => sock.destroy());
    sock.on('data', (d) => {
      text += d.toString('latin1');
      // One answer is all these tests want; the gateway may keep the connection alive.
      if (/\r\n\r\n/.test(text) && bodyComplete(text)) sock.end();
    });
    sock.on('close', () => resolve(text));
    sock.on('error', () => resolve(text));
    sock.write(bytes);
  });
}

function bodyComplete(text: string): boolean {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const len = /content-length:\s*(\d+)/i.exec(head);
  return len ? Buffer.byteLength(body, 'latin1') >= Number(len[1]) : false;
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

/** An AWS-shaped error body: XML <Code> or JSON __type, never empty. */
function assertAwsShaped(text: string, what: string): void {
  const body = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  assert.match(
    body,
    /<Code>[A-Za-z]+<\/Code>|"__type":"[A-Za-z]+"/,
    `${what}: ${JSON.stringify(text.slice(0, 300))}`,
  );
}

/** Requests Node itself used to refuse with a bare status now get AWS-shaped errors (issue 12). */
void describe('endpoint mode: HTTP framing refusals are AWS-shaped', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
  });
  after(async () => {
    await s?.close();
  });

  void test('a request without Host: 400 MalformedRequest that names the missing header', async () => {
    const text = await rawExchange(s.gw.port, 'GET / HTTP/1.1\r\nX-Amz-Date: 20250101T000000Z\r\n\r\n');
    assert.equal(statusOf(text), 400, text);
    assert.match(text, /<Code>MalformedRequest<\/Code>/);
    assert.match(text, /no Host header/);
  });

  void test('Expect other than 100-continue: 417 ExpectationFailed, AWS-shaped, nothing forwarded', async () => {
    const before = s.fake.received.length;
    const text = await rawExchange(
      s.gw.port,
      `PUT /bucket/key HTTP/1.1\r\nHost: 127.0.0.1:${s.gw.port}\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n`,
    );
    assert.equal(statusOf(text), 417, text);
    assert.match(text, /<Code>ExpectationFailed<\/Code>/);
    assert.equal(s.fake.received.length, before);
  });

  void test('a signed call with an odd Expect is refused the same way, before its body', async () => {
    const before = s.fake.received.length;
    const r = await sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'sts',
      headers: { expect: 'something-else', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(r.status, 417);
    assert.match(r.body, /<Code>ExpectationFailed<\/Code>/);
    assert.equal(s.fake.received.length, before);
  });

  void test('seeded fuzz of request framing: every refusal carries an AWS error code, and the gateway keeps serving', async () => {
    let seed = 0x5eed;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
    const methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'BREW'];
    const paths = ['/', '/bucket/key', '/%zz', '/a/../b', '//', '/?Action=GetCallerIdentity', '*'];
    const headerSets: readonly string[][] = [
      [],
      [`Host: 127.0.0.1:${s.gw.port}`],
      ['Host: '],
      ['Expect: 100-continue', `Host: 127.0.0.1:${s.gw.port}`],
      ['Expect: nonsense', `Host: 127.0.0.1:${s.gw.port}`],
      ['Expect: nonsense'],
      [`Host: 127.0.0.1:${s.gw.port}`, 'Authorization: AWS4-HMAC-SHA256 Credential=x'],
      [`Host: 127.0.0.1:${s.gw.port}`, 'Content-Length: 3', 'Content-Length: 4'],
      [`Host: 127.0.0.1:${s.gw.port}`, 'Transfer-Encoding: chunked', 'Content-Length: 3'],
      [`Host: 127.0.0.1:${s.gw.port}`, 'Content-Length: abc'],
      [`Host: 127.0.0.1:${s.gw.port}`, 'X-Amz-Target: DynamoDB_20120810.GetItem'],
    ];
    let refused = 0;
    for (let i = 0; i < 150; i++) {
      const method = pick(methods);
      const head = [`${method} ${pick(paths)} HTTP/1.1`, ...pick(headerSets), 'Connection: close'].join(
        '\r\n',
      );
      const text = await rawExchange(s.gw.port, `${head}\r\n\r\n`);
      const status = statusOf(text);
      assert.ok(status >= 400 && status < 600, `#${i} ${head}: ${JSON.stringify(text.slice(0, 200))}`);
      if (method !== 'HEAD') assertAwsShaped(text, `#${i} ${head}`);
      refused++;
    }
    assert.equal(refused, 150);
    // Still serving signed calls.
    const r = await sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'sts',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(r.status, 200, r.body);
  });
});
