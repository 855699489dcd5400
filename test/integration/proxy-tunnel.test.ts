import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTestTls } from '../fakes/tls';
import { run } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { proxyShellEnv, type ProxyStack, startProxyStack } from './proxy-support';

interface Origin {
  readonly port: number;
  readonly seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

/** A non-AWS server (HTTPS with its own CA, or plain HTTP) that says who it is. */
async function startOrigin(tls?: { keyPem: string; certPem: string }): Promise<Origin> {
  const seen: Origin['seen'] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the origin\n');
  };
  const server = tls
    ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler)
    : http.createServer(handler);
  const port = await listen(server);
  return {
    port,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const ORIGIN_NAME = 'origin.example.test';

void describe('proxy mode: non-AWS traffic is tunnelled untouched', () => {
  let s: ProxyStack;
  let origin: Origin;
  let plain: Origin;
  let dir: string;
  let originCa: string;
  before(async () => {
    s = await startProxyStack();
    const tls = makeTestTls([ORIGIN_NAME, 'localhost'], 'Origin Test CA');
    origin = await startOrigin(tls);
    plain = await startOrigin();
    dir = await mkdtemp(join(tmpdir(), 'airlock-tunnel-'));
    originCa = join(dir, 'origin-ca.pem');
    await writeFile(originCa, tls.caPem);
  });
  after(async () => {
    await s?.close();
    await origin?.close();
    await plain?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('curl with the task env reaches a local HTTPS server through the proxy and sees its certificate', async () => {
    const r = await run(
      'curl',
      [
        '-sS',
        '-v',
        '-m',
        '20',
        '--cacert',
        originCa,
        // Maps the name to the local server: curl sends `CONNECT localhost:PORT` to the proxy.
        '--connect-to',
        `${ORIGIN_NAME}:443:localhost:${origin.port}`,
        `https://${ORIGIN_NAME}/through-the-tunnel`,
      ],
      proxyShellEnv(s.task.env),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from the origin\n');
    assert.match(r.stderr, new RegExp(`CONNECT localhost:${origin.port}`));
    assert.match(r.stderr, /issuer: CN\s?=\s?Origin Test CA/);
    assert.doesNotMatch(r.stderr, /Airlock local CA/);
    assert.deepEqual(
      origin.seen.map((x) => x.url),
      ['/through-the-tunnel'],
    );
    assert.equal(s.fake.received.length, 0, 'nothing went to AWS');
  });

  void test('a plain-HTTP proxy request to a non-AWS host is forwarded without proxy headers', async () => {
    const r = await run(
      'curl',
      // --noproxy '': the task env's NO_PROXY would otherwise send localhost direct.
      [
        '-sS',
        '-v',
        '-m',
        '20',
        '--noproxy',
        '',
        '-x',
        `http://127.0.0.1:${s.gw.port}`,
        '--proxy-user',
        'agent:pw',
        `http://localhost:${plain.port}/plain?q=1`,
      ],
      proxyShellEnv(s.task.env),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from the origin\n');
    const got = plain.seen.at(-1);
    assert.equal(got?.url, '/plain?q=1');
    assert.equal(got?.headers['proxy-authorization'], undefined);
    assert.equal(got?.headers.host, `localhost:${plain.port}`);
    // curl talked to the gateway only; the gateway opened the origin connection.
    assert.match(
      r.stderr,
      new RegExp(`Connected to 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) port ${s.gw.port}`),
    );
    assert.match(r.stderr, new RegExp(`GET http://localhost:${plain.port}/plain\\?q=1`));
    assert.equal(plain.seen.length, 1);
  });

  void test('an HTTPS client that does not trust the Airlock CA fails instead of bypassing', async () => {
    const env = proxyShellEnv(s.task.env);
    delete env.AWS_CA_BUNDLE;
    const r = await run('curl', ['-sS', '-m', '20', 'https://sts.us-east-1.amazonaws.com/'], env);
    assert.equal(r.code, 60, `curl should refuse our certificate: ${r.stderr}`);
    assert.match(r.stderr, /certificate/i);
    const boto = await run(
      'python3',
      [
        '-c',
        "import boto3\nboto3.client('sts', config=boto3.session.Config(retries={'max_attempts': 1})).get_caller_identity()",
      ],
      env,
    );
    assert.notEqual(boto.code, 0);
    assert.match(boto.stderr, /SSL|CERTIFICATE_VERIFY_FAILED/);
    assert.equal(s.fake.received.length, 0, 'nothing reached AWS');
  });

  void test('a signed AWS call over plain HTTP through the proxy runs the pipeline', async () => {
    const env = {
      ...proxyShellEnv(s.task.env),
      HTTP_PROXY: s.task.env.HTTPS_PROXY,
      http_proxy: s.task.env.HTTPS_PROXY,
    };
    const r = await run(
      'python3',
      ['-c', "import boto3\nprint(boto3.client('sts', use_ssl=False).get_caller_identity()['Account'])"],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), s.fake.accountId);
    assert.equal(s.fake.received.at(-1)?.verified, 'ok');
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const last = events.filter((e) => e.type === 'call.request').at(-1);
    assert.equal(last?.data.arrival, 'proxy');
    assert.equal(last?.data.operation, 'GetCallerIdentity');
  });
});

void describe('proxy mode: --no-tunnel', () => {
  let s: ProxyStack;
  let origin: Origin;
  before(async () => {
    s = await startProxyStack({ gatewayArgs: ['--no-tunnel'] });
    origin = await startOrigin();
  });
  after(async () => {
    await s?.close();
    await origin?.close();
  });

  void test('refuses CONNECT and plain HTTP to non-AWS hosts, still serves AWS', async () => {
    const sock = connect({ host: '127.0.0.1', port: s.gw.port });
    const answer = await new Promise<string>((resolve) => {
      let buf = '';
      sock.on('data', (d: Buffer) => (buf += d.toString()));
      sock.on('close', () => resolve(buf));
      sock.write(`CONNECT localhost:${origin.port} HTTP/1.1\r\nHost: localhost:${origin.port}\r\n\r\n`);
    });
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /--no-tunnel/);
    const r = await run(
      'curl',
      [
        '-sS',
        '-m',
        '20',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--noproxy',
        '',
        '-x',
        `http://127.0.0.1:${s.gw.port}`,
        `http://localhost:${origin.port}/`,
      ],
      proxyShellEnv(s.task.env),
    );
    assert.equal(r.stdout, '403');
    assert.equal(origin.seen.length, 0, 'the origin was never reached');
    const sts = await run(
      'python3',
      ['-c', "import boto3\nprint(boto3.client('sts').get_caller_identity()['Account'])"],
      proxyShellEnv(s.task.env),
    );
    assert.equal(sts.code, 0, sts.stderr);
    assert.equal(sts.stdout.trim(), s.fake.accountId);
  });
});
