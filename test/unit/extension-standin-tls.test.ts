import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { StandInServer } from '../../extension/gateway/standin-server';
import { CA_KEY_FILE, loadOrCreateCa } from '../../gateway/proxy/local-ca';
import { issueStandInLeaf, writeStandInLeaf } from '../../gateway/proxy/standin-leaf';
import { STANDIN_TLS_FILE } from '../../gateway/proxy/standin-tls-file';
import { freePort, rawConnect } from '../support/loopback';

/** TLS inside the tunnel, trusting only the local CA, and one HTTP/1.1 request; the raw answer. */
function callInside(socket: Socket, host: string, ca: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername: host, ca, ALPNProtocols: ['http/1.1'] });
    let text = '';
    tls.setEncoding('utf8');
    tls.on('data', (d: string) => (text += d));
    tls.once('secureConnect', () => tls.write(request));
    tls.once('end', () => resolve(text));
    tls.once('error', reject);
    tls.setTimeout(3_000, () => reject(new Error('no answer inside the tunnel within 3 s')));
  });
}

const STS_CALL = (host: string): string =>
  `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n` +
  'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00\r\n' +
  'Content-Length: 43\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15';

const DDB_CALL = (host: string): string =>
  `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
  'X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n{}';

void describe('stand-in in proxy mode: the AWS error inside TLS', () => {
  let dir: string;
  let caPem: string;
  let port: number;
  let standIn: StandInServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-standin-tls-'));
    const ca = await loadOrCreateCa(dir);
    caPem = ca.certPem;
    await writeStandInLeaf(dir, ca);
    // The gateway is gone and so is its CA key: the stand-in must not need it.
    await unlink(join(dir, CA_KEY_FILE));
    port = await freePort();
    standIn = new StandInServer();
    await standIn.open(port, { dataDir: dir });
  });
  after(async () => {
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  });

  void test('a CONNECT to an AWS host gets 200, then a query call inside TLS gets the XML error', async () => {
    const host = 'sts.us-east-1.amazonaws.com';
    const tunnels = standIn.tunnels;
    const c = await rawConnect(port, `${host}:443`);
    assert.equal(c.status, 200, c.head);
    const answer = await callInside(c.socket, host, caPem, STS_CALL(host));
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /<Code>AirlockGatewayDown<\/Code>/);
    assert.match(answer, /The Airlock gateway is not running/);
    assert.equal(standIn.tunnels, tunnels + 1);
  });

  void test('a JSON call to a regional S3-style or DynamoDB host gets the JSON error', async () => {
    for (const host of ['dynamodb.eu-west-2.amazonaws.com', 'my-bucket.s3.ap-southeast-2.amazonaws.com']) {
      const c = await rawConnect(port, `${host}:443`);
      assert.equal(c.status, 200, host);
      const answer = await callInside(c.socket, host, caPem, DDB_CALL(host));
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /"__type":"AirlockGatewayDown"/);
    }
  });

  void test('a CONNECT to a non-AWS host, or an AWS host the leaf does not name, is refused', async () => {
    const tunnels = standIn.tunnels;
    for (const authority of [
      'example.com:443',
      'a.b.c.amazonaws.com:443',
      '127.0.0.1:443',
      'sts.amazonaws.com:99999',
    ]) {
      const c = await rawConnect(port, authority);
      c.socket.destroy();
      assert.equal(c.status, 503, authority);
      assert.match(c.head, /AirlockGatewayDown/);
    }
    assert.equal(standIn.tunnels, tunnels, 'no tunnel was opened');
  });
});

void describe('stand-in in proxy mode: no usable certificate, the tunnel is refused', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-standin-notls-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function status(): Promise<number> {
    const standIn = new StandInServer();
    const port = await freePort();
    await standIn.open(port, { dataDir: dir });
    try {
      const c = await rawConnect(port, 'sts.us-east-1.amazonaws.com:443');
      c.socket.destroy();
      return c.status;
    } finally {
      await standIn.close();
    }
  }

  void test('no file in the data dir', async () => {
    assert.equal(await status(), 503);
  });

  void test('an expired leaf', async () => {
    const ca = await loadOrCreateCa(dir);
    await writeFile(join(dir, STANDIN_TLS_FILE), issueStandInLeaf(ca, Date.now() - 30 * 86_400_000));
    assert.equal(await status(), 503);
    // The same CA today: accepted, so it was the date that refused it.
    await writeFile(join(dir, STANDIN_TLS_FILE), issueStandInLeaf(ca));
    assert.equal(await status(), 200);
  });

  void test('a key that is not the certificate’s, or garbage', async () => {
    const ca = await loadOrCreateCa(dir);
    const pem = issueStandInLeaf(ca);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const cert = pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----'));
    await writeFile(join(dir, STANDIN_TLS_FILE), otherKey + cert);
    assert.equal(await status(), 503);
    await writeFile(join(dir, STANDIN_TLS_FILE), 'garbage');
    assert.equal(await status(), 503);
  });

  void test('the CA itself in the file (a CA certificate is never presented)', async () => {
    const caKey = await readFile(join(dir, CA_KEY_FILE), 'utf8');
    const ca = await loadOrCreateCa(dir);
    await writeFile(join(dir, STANDIN_TLS_FILE), caKey + ca.certPem);
    assert.equal(await status(), 503);
  });
});
