import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { agentShellEnv, awsV1, boto3, hasAwsCliV2, run } from '../support/aws-clients';
import { type LooseEvent, readJournalEvents } from '../support/journal';
import { awsV2Proxy, boto3Proxy, type ProxyStack, startProxyStack } from './proxy-support';

const noCli = !hasAwsCliV2 && 'no /usr/bin/aws';
const MASKED_SECRET = /^«airlock:masked:secretsmanager:SecretString:[0-9a-f]{12}»$/;

async function requests(s: ProxyStack): Promise<LooseEvent[]> {
  const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
  return events.filter((e) => e.type === 'call.request');
}

/**
 * Clients that ignore AWS_ENDPOINT_URL reach the gateway through HTTPS_PROXY: it terminates TLS
 * for the AWS host with a certificate from its local CA (AWS_CA_BUNDLE) and runs the same
 * pipeline, forwarding over TLS to the HTTPS verifying fake.
 */
void describe('proxy mode: real clients with exactly the task env', () => {
  let s: ProxyStack;
  before(async () => {
    s = await startProxyStack();
  });
  after(async () => {
    await s?.close();
  });

  void test('the task env carries the proxy variables next to the endpoint ones', () => {
    const env = s.task.env;
    assert.equal(env.HTTPS_PROXY, `http://127.0.0.1:${s.gw.port}`);
    assert.equal(env.https_proxy, env.HTTPS_PROXY);
    // The CA certificate is a public copy outside the data dir: no variable leads into it.
    const bundle = env.AWS_CA_BUNDLE ?? '';
    assert.ok(isAbsolute(bundle) && relative(s.gw.dataDir, bundle).startsWith('..'), bundle);
    for (const [k, v] of Object.entries(env))
      assert.ok(!v.includes(s.gw.dataDir), `${k} points into the data dir`);
    assert.equal(readFileSync(bundle, 'utf8'), readFileSync(join(s.gw.dataDir, 'ca.pem'), 'utf8'));
    assert.equal(statSync(bundle).mode & 0o777, 0o644);
    for (const v of [env.NO_PROXY, env.no_proxy])
      assert.deepEqual(v?.split(',').sort(), ['127.0.0.1', '::1', 'localhost']);
    assert.equal(env.AWS_ENDPOINT_URL, `http://127.0.0.1:${s.gw.port}`);
  });

  void test('sts get-caller-identity with AWS CLI 2.9 (no --endpoint-url)', { skip: noCli }, async () => {
    const r = await awsV2Proxy(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Account, s.fake.accountId);
  });

  void test('iam create-role with AWS CLI 2.9 (global endpoint)', { skip: noCli }, async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const r = await awsV2Proxy(
      ['iam', 'create-role', '--role-name', 'proxy-bot', '--assume-role-policy-document', trust],
      s.task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Role.RoleName, 'proxy-bot');
  });

  void test('dynamodb create-table, put-item, get-item with AWS CLI 2.9', { skip: noCli }, async () => {
    const env = s.task.env;
    let r = await awsV2Proxy(
      [
        'dynamodb',
        'create-table',
        '--table-name',
        'orders',
        '--attribute-definitions',
        'AttributeName=id,AttributeType=S',
        '--key-schema',
        'AttributeName=id,KeyType=HASH',
        '--billing-mode',
        'PAY_PER_REQUEST',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    r = await awsV2Proxy(
      ['dynamodb', 'put-item', '--table-name', 'orders', '--item', '{"id":{"S":"o-1"},"total":{"N":"42"}}'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    r = await awsV2Proxy(
      ['dynamodb', 'get-item', '--table-name', 'orders', '--key', '{"id":{"S":"o-1"}}'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Item.total.N, '42');
  });

  void test('lambda, secretsmanager and ec2 with AWS CLI 2.9', { skip: noCli }, async () => {
    let r = await awsV2Proxy(['lambda', 'list-functions'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout).Functions));
    r = await awsV2Proxy(
      ['secretsmanager', 'get-secret-value', '--secret-id', s.fake.planted.secretName],
      s.task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    // Masked exactly as in endpoint mode: the agent gets a placeholder, never the secret.
    assert.match(JSON.parse(r.stdout).SecretString, MASKED_SECRET);
    assert.ok(!r.stdout.includes(s.fake.planted.secretValue));
    r = await awsV2Proxy(['ec2', 'describe-instances'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).Reservations.length >= 1);
  });

  void test('boto3 with AWS_ENDPOINT_URL unset: sts, dynamodb, secretsmanager, lambda, ec2, iam', async () => {
    const result = (await boto3Proxy(
      [
        `result = {}`,
        `result['account'] = boto3.client('sts').get_caller_identity()['Account']`,
        `ddb = boto3.client('dynamodb')`,
        `ddb.put_item(TableName='orders', Item={'id': {'S': 'b-1'}, 'total': {'N': '7'}})`,
        `result['total'] = ddb.get_item(TableName='orders', Key={'id': {'S': 'b-1'}})['Item']['total']['N']`,
        `result['secret'] = boto3.client('secretsmanager').get_secret_value(SecretId='${s.fake.planted.secretName}')['SecretString']`,
        `result['functions'] = len(boto3.client('lambda').list_functions()['Functions'])`,
        `result['reservations'] = len(boto3.client('ec2').describe_instances()['Reservations'])`,
        `result['roles'] = [r['RoleName'] for r in boto3.client('iam').list_roles()['Roles']]`,
      ].join('\n'),
      s.task.env,
    )) as Record<string, unknown>;
    assert.equal(result.account, s.fake.accountId);
    assert.equal(result.total, '7');
    assert.match(String(result.secret), MASKED_SECRET);
    assert.equal(typeof result.functions, 'number');
    assert.ok((result.reservations as number) >= 1);
    assert.ok(Array.isArray(result.roles));
  });

  void test('every proxied call is recorded with arrival proxy, identified from the real host', async () => {
    const reqs = await requests(s);
    assert.ok(reqs.length >= 8, `only ${reqs.length} requests recorded`);
    assert.ok(
      reqs.every((e) => e.data.arrival === 'proxy'),
      reqs.map((e) => e.data.arrival).join(),
    );
    const ops = new Set(reqs.map((e) => `${e.data.service}:${e.data.operation}`));
    for (const want of [
      'sts:GetCallerIdentity',
      'dynamodb:PutItem',
      'dynamodb:GetItem',
      'secretsmanager:GetSecretValue',
      'lambda:ListFunctions',
      'ec2:DescribeInstances',
      'iam:ListRoles',
    ])
      assert.ok(ops.has(want), `missing ${want} in ${[...ops].join(', ')}`);
    // The verifying fake saw only our re-signing, for the same service and region the client signed.
    assert.ok(s.fake.received.length > 0);
    assert.ok(
      s.fake.received.every((c) => c.verified === 'ok' && c.accessKeyId === s.fake.credentials.accessKeyId),
      JSON.stringify(s.fake.received.filter((c) => c.verified !== 'ok').map((c) => c.reason)),
    );
  });

  void test('with the full task env, endpoint-mode clients still go direct (NO_PROXY covers loopback)', async () => {
    const before = (await requests(s)).length;
    const r = await awsV1(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    // SDK v3 in a child process configured only by the environment (it reads AWS_ENDPOINT_URL).
    const script =
      "const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');" +
      'new STSClient({}).send(new GetCallerIdentityCommand({})).then((o) => console.log(o.Account), (e) => { console.error(e); process.exit(1); });';
    const v3 = await run(process.execPath, ['-e', script], agentShellEnv(s.task.env));
    assert.equal(v3.code, 0, v3.stderr);
    assert.equal(v3.stdout.trim(), s.fake.accountId);
    const fresh = (await requests(s)).slice(before);
    assert.equal(fresh.length, 2);
    assert.deepEqual(
      fresh.map((e) => e.data.arrival),
      ['endpoint', 'endpoint'],
    );
  });

  void test('the same operation in both modes is recorded identically but for arrival', async () => {
    const call = `result = boto3.client('dynamodb').get_item(TableName='orders', Key={'id': {'S': 'o-1'}})['Item']['total']['N']`;
    assert.equal(await boto3(call, s.task.env), '42');
    assert.equal(await boto3Proxy(call, s.task.env), '42');
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const last = events.filter((e) => e.type === 'call.request').slice(-2);
    const [viaEndpoint, viaProxy] = last.map((e) => {
      const forCall = events.filter((x) => x.data.callId === e.data.callId);
      return forCall.map((x) => {
        // Ids, times and timings differ between any two calls; everything else must not.
        const { callId: _c, upstreamMs: _u, gatewayMs: _g, awsRequestId: _r, ...rest } = x.data;
        return { type: x.type, data: rest };
      });
    });
    assert.equal(viaEndpoint?.length, 3, 'request, decision, response');
    // botocore's user agent lists the features a call used (`m/…`: an endpoint override is one).
    const strip = (evs: Array<{ type: string; data: LooseEvent['data'] }> | undefined): unknown =>
      evs?.map((e) => ({
        ...e,
        data: {
          ...e.data,
          arrival: undefined,
          userAgent:
            typeof e.data.userAgent === 'string' ? e.data.userAgent.replace(/ m\/\S+/, '') : undefined,
        },
      }));
    assert.deepEqual(strip(viaProxy), strip(viaEndpoint));
    assert.equal(viaEndpoint?.[0]?.data.arrival, 'endpoint');
    assert.equal(viaProxy?.[0]?.data.arrival, 'proxy');
  });
});
