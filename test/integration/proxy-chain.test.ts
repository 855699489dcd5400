import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { makeTestTls } from '../fakes/tls';
import { hasAwsCliV2, run } from '../support/aws-clients';
import { awsV2Proxy, boto3Proxy, proxyShellEnv, type ProxyStack, startProxyStack } from './proxy-support';

/** A stand-in corporate proxy: records what it is asked for and passes it on. */
async function startParentProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const u = new URL(req.url ?? '');
    const up = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: req.method,
        path: u.pathname + u.search,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url} ${req.headers['proxy-authorization'] ?? ''}`.trim());
    const [host, port] = (req.url ?? '').split(':');
    const up = connect({ host, port: Number(port) }, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://corp:secret@127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The gateway's own environment names a corporate proxy: it chains to it for both kinds of traffic. */
void describe('proxy mode: chaining to the gateway environment proxy', () => {
  let parent: Awaited<ReturnType<typeof startParentProxy>>;
  let s: ProxyStack;
  let origin: https.Server;
  let originPort: number;
  before(async () => {
    parent = await startParentProxy();
    const tls = makeTestTls(['localhost'], 'Chain Origin CA');
    origin = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (_req, res) => res.end('origin'));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', () => r()));
    originPort = (origin.address() as AddressInfo).port;
    // The gateway process copies this environment when it starts; restored right after.
    const saved = {
      HTTPS_PROXY: process.env.HTTPS_PROXY,
      HTTP_PROXY: process.env.HTTP_PROXY,
      NO_PROXY: process.env.NO_PROXY,
    };
    process.env.HTTPS_PROXY = parent.url;
    process.env.HTTP_PROXY = parent.url;
    process.env.NO_PROXY = 'nothing.example';
    try {
      s = await startProxyStack();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
  after(async () => {
    await s?.close();
    await parent?.close();
    await new Promise<void>((r) => {
      origin?.close(() => r());
      origin?.closeAllConnections();
    });
  });

  void test('intercepted AWS calls reach the upstream through a CONNECT on the parent proxy', async () => {
    const account = await boto3Proxy(
      `result = boto3.client('sts').get_caller_identity()['Account']`,
      s.task.env,
    );
    assert.equal(account, s.fake.accountId);
    const upstream = new URL(s.fake.url);
    assert.ok(
      parent.seen.some((x) => x.startsWith(`CONNECT 127.0.0.1:${upstream.port} Basic `)),
      parent.seen.join('\n'),
    );
  });

  void test('tunnels go through the parent proxy too', async () => {
    const r = await run(
      'curl',
      [
        '-sS',
        '-k',
        '-m',
        '20',
        '--connect-to',
        `origin.test:443:localhost:${originPort}`,
        'https://origin.test/',
      ],
      proxyShellEnv(s.task.env),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'origin');
    assert.ok(
      parent.seen.some((x) => x.startsWith(`CONNECT localhost:${originPort}`)),
      parent.seen.join('\n'),
    );
  });

  void test(
    'AWS CLI 2.9 works end to end through both proxies',
    { skip: !hasAwsCliV2 && 'no /usr/bin/aws' },
    async () => {
      const r = await awsV2Proxy(['sts', 'get-caller-identity'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).Account, s.fake.accountId);
    },
  );
});
