import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { run } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { rawConnect } from '../support/loopback';
import { boto3Proxy, closed, proxyShellEnv, type ProxyStack, startProxyStack } from './proxy-support';

/** TLS through a CONNECT tunnel to the gateway, trusting its CA. */
async function tlsThrough(s: ProxyStack, host: string): Promise<TLSSocket> {
  const { status, socket } = await rawConnect(s.gw.port, `${host}:443`);
  assert.equal(status, 200);
  const ca = await readFile(join(s.gw.dataDir, 'ca.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const t = tlsConnect({ socket, servername: host, ca }, () => resolve(t));
    t.once('error', reject);
  });
}

function readAll(t: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    t.on('data', (d: Buffer) => (buf += d.toString()));
    t.on('close', () => resolve(buf));
    t.on('error', () => resolve(buf));
  });
}

/** A quick proof that the gateway still serves other clients. */
async function stillServes(s: ProxyStack): Promise<void> {
  const account = await boto3Proxy(
    `result = boto3.client('sts').get_caller_identity()['Account']`,
    s.task.env,
  );
  assert.equal(account, s.fake.accountId);
}

void describe('proxy mode: bad input gets a clean error or timeout and blocks nobody', () => {
  let s: ProxyStack;
  before(async () => {
    s = await startProxyStack({
      gatewayArgs: ['--proxy-handshake-timeout', '1', '--proxy-idle-timeout', '1'],
    });
  });
  after(async () => {
    await s?.close();
  });

  void test('CONNECT to a host that does not resolve: 502', async () => {
    const { status, head, socket } = await rawConnect(s.gw.port, 'no-such-host.invalid:443');
    assert.equal(status, 502);
    assert.match(head, /X-Airlock-Error: TunnelConnectFailed/);
    await closed(socket);
  });

  void test('malformed CONNECT targets: 400', async () => {
    for (const target of ['no-port-here', 'host:99999', '[::1:443']) {
      const { status, socket } = await rawConnect(s.gw.port, target);
      assert.equal(status, 400, target);
      await closed(socket);
    }
  });

  // Without the gateway's timeout this test would hang: the runner's limit turns that into a failure.
  void test(
    'a TLS client that hangs mid-handshake is dropped, others are served meanwhile',
    { timeout: 30_000 },
    async () => {
      const { status, socket } = await rawConnect(s.gw.port, 'sts.us-east-1.amazonaws.com:443');
      assert.equal(status, 200);
      // Half a ClientHello record header, then silence.
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02]));
      const gone = closed(socket);
      await stillServes(s);
      await gone;
      assert.ok(socket.destroyed);
    },
  );

  // Without the gateway's timeout this test would hang: the runner's limit turns that into a failure.
  void test('a client that never sends a request after CONNECT is dropped', { timeout: 30_000 }, async () => {
    const t = await tlsThrough(s, 'dynamodb.us-east-1.amazonaws.com');
    const gone = readAll(t);
    await stillServes(s);
    assert.equal(await gone, '', 'closed without an answer');
  });

  void test('an absurd header block on an intercepted connection: 431', { timeout: 30_000 }, async () => {
    const t = await tlsThrough(s, 'sts.us-east-1.amazonaws.com');
    const answer = readAll(t);
    t.write(`POST / HTTP/1.1\r\nHost: sts.us-east-1.amazonaws.com\r\nX-Junk: ${'a'.repeat(200_000)}\r\n\r\n`);
    assert.match(await answer, /^HTTP\/1\.1 431 /);
    await stillServes(s);
  });

  void test('a Host header naming another host than the CONNECT target: 421, nothing forwarded', async () => {
    const before = s.fake.received.length;
    const t = await tlsThrough(s, 'sts.us-east-1.amazonaws.com');
    const answer = readAll(t);
    t.write('GET / HTTP/1.1\r\nHost: evil.example.com\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 421 /);
    assert.equal(s.fake.received.length, before);
  });

  void test('real AWS credentials are refused, recorded with arrival proxy and said so', async () => {
    const env = {
      ...s.task.env,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    const before = s.fake.received.length;
    const r = await run(
      'python3',
      ['-c', "import boto3\nboto3.client('sts').get_caller_identity()"],
      proxyShellEnv(env),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidClientTokenId/);
    assert.match(r.stderr, /real AWS credentials/);
    assert.equal(s.fake.received.length, before, 'nothing reached AWS');
    const events = await readJournalEvents(s.gw.dataDir, '_gateway');
    const refused = events.filter(
      (e) => e.type === 'call.error' && e.data.accessKeyId === 'AKIAIOSFODNN7EXAMPLE',
    );
    assert.ok(refused.length >= 1);
    assert.equal(refused[0]?.data.arrival, 'proxy');
    assert.equal(refused[0]?.data.code, 'InvalidClientTokenId');
    assert.match(refused[0]?.data.message, /real AWS credentials/);
  });
});
