import assert from 'node:assert/strict';
import { readFile, unlink } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { StandInServer } from '../../extension/gateway/standin-server';
import { CA_KEY_FILE } from '../../gateway/proxy/local-ca';
import { TunnelAgent } from '../../gateway/upstream/tunnel-agent';
import { AWS_CLI_V2, hasAwsCliV2, run } from '../support/aws-clients';
import { isolatedEnv } from '../support/gateway-process';
import { type ProxyStack, startProxyStack } from './proxy-support';

// Proxy mode while the gateway is down: a real gateway wrote its CA and the stand-in's leaf into
// its data dir at start and then stopped; the stand-in holds its port with only what is in that
// data dir (the CA key removed), and real clients configured with exactly the task's proxy
// variables get the AWS-shaped error naming Airlock at once. Retry settings are the clients'
// defaults: a refused tunnel made AWS CLI v1 retry for 8 to 26 s.

const noCli = !hasAwsCliV2 && 'no /usr/bin/aws';

let s: ProxyStack;
let standIn: StandInServer;
let env: NodeJS.ProcessEnv;

before(async () => {
  s = await startProxyStack();
  await s.gw.stop();
  await unlink(join(s.gw.dataDir, CA_KEY_FILE));
  standIn = new StandInServer();
  await standIn.open(s.gw.port, { dataDir: s.gw.dataDir });
  // The terminal of a task with only proxy routing: no AWS_ENDPOINT_URL, default retries.
  env = isolatedEnv({ ...s.task.env, AWS_PAGER: '' });
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_MAX_ATTEMPTS;
  delete env.AWS_RETRY_MODE;
});
after(async () => {
  await standIn?.close();
  await s?.close();
});

function assertNamesAirlock(text: string): void {
  assert.match(text, /AirlockGatewayDown/);
  assert.match(text, /The Airlock gateway is not running/);
  assert.match(text, /not sent to AWS/);
}

void test('the task env is proxy mode with the local CA, and the stand-in holds the port', () => {
  assert.equal(env.HTTPS_PROXY, `http://127.0.0.1:${s.gw.port}`);
  assert.ok(env.AWS_CA_BUNDLE);
  assert.equal(env.AWS_ENDPOINT_URL, undefined);
  assert.ok(standIn.listening);
});

for (const [cli, label, skip] of [
  ['aws', 'AWS CLI v1', false],
  [AWS_CLI_V2, 'AWS CLI v2', noCli],
] as const) {
  void describe(label, { skip }, () => {
    for (const args of [
      ['sts', 'get-caller-identity'],
      ['s3', 'ls'],
      ['dynamodb', 'list-tables'],
    ]) {
      void test(`aws ${args.join(' ')} through HTTPS_PROXY names Airlock, once`, async () => {
        const tunnels = standIn.tunnels;
        const started = Date.now();
        const r = await run(cli, args, env);
        console.log(`${label} ${args.join(' ')}: exit ${r.code} after ${Date.now() - started} ms`);
        assert.notEqual(r.code, 0);
        assertNamesAirlock(r.stderr);
        assert.match(r.stderr, /An error occurred \(AirlockGatewayDown\)/);
        assert.doesNotMatch(r.stderr, /Failed to connect to proxy|SSL|certificate/i);
        assert.equal(standIn.tunnels - tunnels, 1, 'one tunnel: the CLI did not retry');
      });
    }
  });
}

void describe('AWS SDK for JavaScript v3 through a CONNECT agent', () => {
  /** The gateway's own CONNECT agent, trusting the task's CA bundle (as NODE_EXTRA_CA_CERTS would). */
  let agent: TunnelAgent;
  before(async () => {
    const ca = await readFile(env.AWS_CA_BUNDLE ?? '', 'utf8');
    class CaTunnelAgent extends TunnelAgent {
      override createConnection(
        options: RequestOptions,
        callback?: (err: Error | null, stream: Duplex) => void,
      ): Duplex | null | undefined {
        return super.createConnection({ ...options, ca }, callback);
      }
    }
    agent = new CaTunnelAgent(new URL(env.HTTPS_PROXY ?? ''));
  });
  after(() => agent?.destroy());

  const config = () => ({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    requestHandler: { httpsAgent: agent },
  });

  for (const [name, call] of [
    ['STS GetCallerIdentity', () => new STSClient(config()).send(new GetCallerIdentityCommand({}))],
    ['DynamoDB ListTables', () => new DynamoDBClient(config()).send(new ListTablesCommand({}))],
  ] as const) {
    void test(`${name} gets AirlockGatewayDown with its message, in one attempt`, async () => {
      const tunnels = standIn.tunnels;
      const started = Date.now();
      const e = await call().then(
        () => assert.fail('the call succeeded'),
        (err: unknown) => err as Error & { $metadata?: { attempts?: number; httpStatusCode?: number } },
      );
      console.log(`SDK v3 ${name}: ${e.name} after ${Date.now() - started} ms`);
      assert.equal(e.name, 'AirlockGatewayDown');
      assertNamesAirlock(`${e.name} ${e.message}`);
      assert.equal(e.$metadata?.httpStatusCode, 400);
      assert.equal(e.$metadata?.attempts, 1);
      assert.equal(standIn.tunnels - tunnels, 1);
    });
  }
});
