import assert from 'node:assert/strict';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../support/aws-clients';
import { AIRLOCK_BIN, startGatewayProcess } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { sendSigned } from '../support/signed-request';
import { rawConnect } from '../support/loopback';
import { boto3Proxy, proxyShellEnv, type ProxyStack, startProxyStack } from './proxy-support';

const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** Signs an STS call with the task key for `host` and sends it through a CONNECT to that host. */
async function stsThroughProxy(
  s: ProxyStack,
  host: string,
  region = 'us-east-1',
): Promise<{ status: number; text: string }> {
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials: {
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path: '/',
      headers: {
        host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(STS_BODY.length),
      },
      body: STS_BODY,
    }),
  );
  const { status, socket } = await rawConnect(s.gw.port, `${host}:443`);
  assert.equal(status, 200, 'AWS hosts are intercepted');
  const ca = readFileSync(s.task.env.AWS_CA_BUNDLE ?? '', 'utf8');
  const t = await new Promise<ReturnType<typeof tlsConnect>>((resolve, reject) => {
    const c = tlsConnect({ socket, servername: host, ca }, () => resolve(c));
    c.once('error', reject);
  });
  const head = Object.entries({ ...signed.headers, connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  t.write(`POST / HTTP/1.1\r\n${head}\r\n${STS_BODY}`);
  const text = await new Promise<string>((resolve) => {
    let buf = '';
    t.on('data', (d: Buffer) => (buf += d.toString()));
    t.on('close', () => resolve(buf));
    t.on('error', () => resolve(buf));
  });
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

void describe('proxy mode: only the identified service’s own endpoint gets a re-signed call', () => {
  let s: ProxyStack;
  before(async () => {
    s = await startProxyStack();
  });
  after(async () => {
    await s?.close();
  });

  void test('the same STS call reaches AWS through its own endpoint (control)', async () => {
    const before = s.fake.received.length;
    const r = await stsThroughProxy(s, 'sts.us-east-1.amazonaws.com');
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /GetCallerIdentityResult/);
    assert.equal(s.fake.received.length, before + 1);
  });

  void test('an STS call sent to an API Gateway host: 403, nothing forwarded, recorded', async () => {
    const before = s.fake.received.length;
    const host = 'abc123xyz.execute-api.us-east-1.amazonaws.com';
    const r = await stsThroughProxy(s, host);
    assert.equal(r.status, 403, r.text);
    // In the shape the STS client expects (query XML), not the API Gateway host's.
    assert.match(r.text, /<Code>EndpointNotAllowed<\/Code>/);
    assert.match(r.text, /signed for the service &#34;sts&#34;/);
    assert.equal(s.fake.received.length, before, 'the upstream received nothing');
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const refused = events.filter((e) => e.type === 'call.error' && e.data.code === 'EndpointNotAllowed');
    assert.ok(refused.some((e) => String(e.data.message).includes(host)));
    assert.ok(!events.some((e) => e.type === 'call.request' && e.data.host === host));
  });

  void test('boto3 pointed at a load balancer or another region’s host through the proxy is refused', async () => {
    const before = s.fake.received.length;
    const snippet = (endpoint: string, region: string): string =>
      [
        'import botocore.exceptions',
        'try:',
        `    boto3.client('sts', region_name='${region}', endpoint_url='${endpoint}').get_caller_identity()`,
        "    result = 'allowed'",
        'except botocore.exceptions.ClientError as e:',
        "    result = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]",
      ].join('\n');
    for (const [endpoint, region] of [
      ['https://my-lb-1234.us-east-1.elb.amazonaws.com', 'us-east-1'],
      ['https://sts.eu-west-1.amazonaws.com', 'us-east-1'],
      ['https://sts.us-east-1.amazonaws.com:8443', 'us-east-1'],
    ] as const)
      assert.deepEqual(
        await boto3Proxy(snippet(endpoint, region), s.task.env),
        ['EndpointNotAllowed', 403],
        endpoint,
      );
    assert.equal(s.fake.received.length, before, 'the upstream received nothing');
  });

  void test('a credential scope region like x.s3 is refused in proxy and endpoint mode', async () => {
    const before = s.fake.received.length;
    const proxied = await stsThroughProxy(s, 'sts.x.s3.amazonaws.com', 'x.s3');
    assert.equal(proxied.status, 400, proxied.text);
    assert.match(proxied.text, /IncompleteSignature/);
    assert.match(proxied.text, /valid region, not &#34;x\.s3&#34;|valid region, not "x\.s3"/);
    const direct = await sendSigned({
      endpoint: `http://127.0.0.1:${s.gw.port}`,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY ?? '',
      service: 'dynamodb',
      region: 'attacker-bucket.s3',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    assert.equal(direct.status, 400, direct.body);
    assert.match(direct.body, /IncompleteSignature/);
    assert.equal(s.fake.received.length, before, 'the upstream received nothing');
  });
});

void describe('a region that is not a region name is refused in the gateway configuration', () => {
  for (const [how, args, env] of [
    ['--region', ['--region', 'x.s3'], {}],
    ['AWS_REGION', [], { AWS_REGION: 'evil.execute-api.us-east-1' }],
  ] as const) {
    void test(`from ${how}: the gateway does not start, so no task gets it`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'airlock-region-'));
      try {
        const r = await run(
          process.execPath,
          [AIRLOCK_BIN, 'gateway', '--data-dir', join(dir, 'data'), '--port', '0', ...args],
          { ...proxyShellEnv({}), ...env },
        );
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, new RegExp(`${how} names the region .*not an AWS region name`));
        assert.deepEqual(await readdir(dir), [], 'nothing written');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  void test('a valid region still starts and reaches the task env', async () => {
    const gw = await startGatewayProcess({ args: ['--region', 'eu-central-2'] });
    try {
      const r = await gw.cli(['task', 'start', '--json', '--name', 'region check']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { env: Record<string, string> }).env.AWS_REGION, 'eu-central-2');
    } finally {
      await gw.dispose();
    }
  });
});
