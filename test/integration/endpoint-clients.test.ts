import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsV1, awsV2, boto3, hasAwsCliV2 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { type Stack, startStack } from '../support/stack';

/**
 * Unchanged AWS tools, configured only with the task env, get real answers through the gateway
 * from the verifying fakes (which check our re-signing with the independent aws4 signer).
 */
void describe('endpoint mode: real clients through the gateway', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
  });
  after(async () => {
    await s?.close();
  });

  void test('sts get-caller-identity with AWS CLI v1', async () => {
    const r = await awsV1(['sts', 'get-caller-identity'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Account, s.fake.accountId);
  });

  void test(
    'sts get-caller-identity with AWS CLI v2 (--endpoint-url)',
    { skip: !hasAwsCliV2 && 'no /usr/bin/aws' },
    async () => {
      const r = await awsV2(['sts', 'get-caller-identity'], s.task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).Account, s.fake.accountId);
    },
  );

  void test('sts get-caller-identity with boto3', async () => {
    const result = await boto3(`result = boto3.client('sts').get_caller_identity()['Account']`, s.task.env);
    assert.equal(result, s.fake.accountId);
  });

  void test('iam create-role (global query service)', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const r = await awsV1(
      ['iam', 'create-role', '--role-name', 'deploy-bot', '--assume-role-policy-document', trust],
      s.task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Role.RoleName, 'deploy-bot');
  });

  void test('dynamodb create-table, put-item, get-item with AWS CLI v1', async () => {
    const env = s.task.env;
    let r = await awsV1(
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
    r = await awsV1(
      ['dynamodb', 'put-item', '--table-name', 'orders', '--item', '{"id":{"S":"o-1"},"total":{"N":"42"}}'],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    r = await awsV1(['dynamodb', 'get-item', '--table-name', 'orders', '--key', '{"id":{"S":"o-1"}}'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).Item.total.N, '42');
  });

  void test('AWS SDK for JavaScript v3: STS (query) and DynamoDB (json) with the task env', async () => {
    const env = s.task.env;
    const config = {
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      maxAttempts: 1,
    };
    const sts = new STSClient(config);
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, s.fake.accountId);
    const ddb = new DynamoDBClient(config);
    await ddb.send(
      new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'sdk-1' }, total: { N: '7' } } }),
    );
    const got = await ddb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'sdk-1' } } }));
    assert.equal(got.Item?.total?.N, '7');
    sts.destroy();
    ddb.destroy();
  });

  void test('lambda list-functions (rest-json)', async () => {
    const r = await awsV1(['lambda', 'list-functions'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout).Functions));
  });

  void test('secretsmanager get-secret-value (json 1.1)', async () => {
    const r = await awsV1(
      ['secretsmanager', 'get-secret-value', '--secret-id', s.fake.planted.secretName],
      s.task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    // The agent gets a stable placeholder, never the secret (masking, DESIGN.md section 5).
    const got = JSON.parse(r.stdout) as { SecretString: string; Name: string };
    assert.equal(got.Name, s.fake.planted.secretName);
    assert.match(got.SecretString, /^«airlock:masked:secretsmanager:SecretString:[0-9a-f]{12}»$/);
    assert.ok(!r.stdout.includes(s.fake.planted.secretValue));
  });

  void test('ec2 describe-instances (ec2 protocol)', async () => {
    const r = await awsV1(['ec2', 'describe-instances'], s.task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).Reservations.length >= 1);
  });

  void test('every call above is journaled with its identified operation and IAM action', async () => {
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const requests = events.filter((e) => e.type === 'call.request').map((e) => e.data);
    const ops = new Set(requests.map((d) => `${d.service}:${d.operation}`));
    for (const want of [
      'sts:GetCallerIdentity',
      'iam:CreateRole',
      'dynamodb:PutItem',
      'lambda:ListFunctions',
      'ec2:DescribeInstances',
    ]) {
      assert.ok(ops.has(want), `missing ${want} in ${[...ops].join(', ')}`);
    }
    const invoke = requests.find((d) => d.operation === 'ListFunctions');
    assert.deepEqual(
      invoke?.actions.map((a: { action: string }) => a.action),
      ['lambda:ListFunctions'],
    );
    const responses = events.filter((e) => e.type === 'call.response');
    assert.equal(responses.length, requests.length, 'every request has its response recorded');
    assert.ok(
      responses.every((e) => typeof e.data.upstreamMs === 'number' && typeof e.data.gatewayMs === 'number'),
    );
  });
});
