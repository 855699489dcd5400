// The calls moto-compat.test.ts sends through the gateway to moto: one per protocol family and
// client, each with the one IAM action moto must authorize it as.
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { awsV1, awsV2, boto3, hasAwsCliV2, sdkConfig } from '../support/aws-clients';
import { canary } from './masking-cases';

export interface Outcome {
  readonly ok: boolean;
  readonly output: string;
}

export interface Step {
  readonly name: string;
  /** The IAM action the call needs, as AWS (and moto) names it. */
  readonly action: string;
  /** The operation the gateway must identify. */
  readonly operation: string;
  /** First sent while the upstream user may not do `action`: moto must refuse it. */
  readonly deniedFirst?: boolean;
  readonly run: () => Promise<Outcome>;
  readonly check?: (output: string) => void;
}

export const CANARY = canary();

async function settled(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, output: JSON.stringify(await p) };
  } catch (e) {
    // moto answers some JSON services' refusals in XML, which the SDK cannot parse: its status says.
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return {
      ok: false,
      output: `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (HTTP ${status})`,
    };
  }
}

function cli(r: Promise<{ code: number; stdout: string; stderr: string }>): Promise<Outcome> {
  return r.then((x) => ({ ok: x.code === 0, output: x.code === 0 ? x.stdout : x.stderr }));
}

/** The steps, for a task's environment and moto's account. */
export function motoSteps(env: () => Record<string, string>, accountId: string): Step[] {
  let queueUrl = '';
  const s3 = (): S3Client => new S3Client({ ...sdkConfig(env()), forcePathStyle: true });
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  return [
    {
      name: 'AWS CLI v1: sts get-caller-identity (query)',
      action: 'sts:GetCallerIdentity',
      operation: 'GetCallerIdentity',
      run: () => cli(awsV1(['sts', 'get-caller-identity'], env())),
      check: (out) => assert.equal((JSON.parse(out) as { Account: string }).Account, accountId),
    },
    {
      name: 'AWS CLI v1: iam create-role (global query service)',
      action: 'iam:CreateRole',
      operation: 'CreateRole',
      deniedFirst: true,
      run: () =>
        cli(
          awsV1(
            ['iam', 'create-role', '--role-name', 'moto-role', '--assume-role-policy-document', trust],
            env(),
          ),
        ),
      check: (out) =>
        assert.equal(
          (JSON.parse(out) as { Role: { Arn: string } }).Role.Arn,
          `arn:aws:iam::${accountId}:role/moto-role`,
        ),
    },
    {
      name: 'boto3: iam list_roles',
      action: 'iam:ListRoles',
      operation: 'ListRoles',
      run: () =>
        settled(boto3(`result = [r['RoleName'] for r in boto3.client('iam').list_roles()['Roles']]`, env())),
      check: (out) => assert.ok((JSON.parse(out) as string[]).includes('moto-role'), out),
    },
    {
      name: 'JS SDK v3: dynamodb CreateTable (json 1.0)',
      action: 'dynamodb:CreateTable',
      operation: 'CreateTable',
      deniedFirst: true,
      run: () =>
        settled(
          new DynamoDBClient(sdkConfig(env())).send(
            new CreateTableCommand({
              TableName: 'moto-orders',
              AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
              KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
              BillingMode: 'PAY_PER_REQUEST',
            }),
          ),
        ),
    },
    {
      name: 'AWS CLI v2: dynamodb put-item',
      action: 'dynamodb:PutItem',
      operation: 'PutItem',
      run: () => {
        const args = [
          'dynamodb',
          'put-item',
          '--table-name',
          'moto-orders',
          '--item',
          '{"id":{"S":"o-1"},"total":{"N":"42"}}',
        ];
        return cli(hasAwsCliV2 ? awsV2(args, env()) : awsV1(args, env()));
      },
    },
    {
      name: 'JS SDK v3: dynamodb GetItem',
      action: 'dynamodb:GetItem',
      operation: 'GetItem',
      run: () =>
        settled(
          new DynamoDBClient(sdkConfig(env())).send(
            new GetItemCommand({ TableName: 'moto-orders', Key: { id: { S: 'o-1' } } }),
          ),
        ),
      check: (out) =>
        assert.equal((JSON.parse(out) as { Item: { total: { N: string } } }).Item.total.N, '42'),
    },
    {
      name: 'JS SDK v3: s3 CreateBucket (rest-xml)',
      action: 's3:CreateBucket',
      operation: 'CreateBucket',
      run: () => settled(s3().send(new CreateBucketCommand({ Bucket: 'moto-bucket' }))),
    },
    {
      name: 'JS SDK v3: s3 PutObject (streamed body)',
      action: 's3:PutObject',
      operation: 'PutObject',
      deniedFirst: true,
      run: () =>
        settled(
          s3().send(new PutObjectCommand({ Bucket: 'moto-bucket', Key: 'dir/a.txt', Body: 'hello moto' })),
        ),
    },
    {
      name: 'JS SDK v3: s3 ListObjectsV2',
      action: 's3:ListBucket',
      operation: 'ListObjectsV2',
      // Not 'dir/': moto's own signature check fails on an encoded '/' in the query (also straight
      // from the SDK, without the gateway).
      run: () => settled(s3().send(new ListObjectsV2Command({ Bucket: 'moto-bucket', Prefix: 'dir' }))),
      check: (out) =>
        assert.deepEqual(
          (JSON.parse(out) as { Contents: { Key: string }[] }).Contents.map((c) => c.Key),
          ['dir/a.txt'],
        ),
    },
    {
      name: 'JS SDK v3: s3 GetObject',
      action: 's3:GetObject',
      operation: 'GetObject',
      run: () =>
        settled(
          s3()
            .send(new GetObjectCommand({ Bucket: 'moto-bucket', Key: 'dir/a.txt' }))
            .then((r) => r.Body?.transformToString()),
        ),
      check: (out) => assert.equal(JSON.parse(out), 'hello moto'),
    },
    {
      name: 'AWS CLI v1: s3api delete-object',
      action: 's3:DeleteObject',
      operation: 'DeleteObject',
      run: () =>
        cli(awsV1(['s3api', 'delete-object', '--bucket', 'moto-bucket', '--key', 'dir/a.txt'], env())),
    },
    {
      name: 'JS SDK v3: sqs CreateQueue',
      action: 'sqs:CreateQueue',
      operation: 'CreateQueue',
      run: async () => {
        const r = await settled(
          new SQSClient(sdkConfig(env())).send(new CreateQueueCommand({ QueueName: 'moto-queue' })),
        );
        if (r.ok) queueUrl = (JSON.parse(r.output) as { QueueUrl: string }).QueueUrl;
        return r;
      },
      // The agent is handed a URL that names the gateway, never moto's own host.
      check: () => assert.ok(queueUrl.startsWith(env().AWS_ENDPOINT_URL ?? '-'), queueUrl),
    },
    {
      name: 'JS SDK v3: sqs SendMessage to the queue URL it was given',
      action: 'sqs:SendMessage',
      operation: 'SendMessage',
      run: () =>
        settled(
          new SQSClient(sdkConfig(env())).send(
            new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'to moto' }),
          ),
        ),
    },
    {
      name: 'boto3: sns create_topic (query)',
      action: 'sns:CreateTopic',
      operation: 'CreateTopic',
      run: () =>
        settled(boto3(`result = boto3.client('sns').create_topic(Name='moto-topic')['TopicArn']`, env())),
      check: (out) => assert.equal(JSON.parse(out), `arn:aws:sns:us-east-1:${accountId}:moto-topic`),
    },
    {
      name: 'AWS CLI v1: secretsmanager create-secret (json 1.1)',
      action: 'secretsmanager:CreateSecret',
      operation: 'CreateSecret',
      run: () =>
        cli(
          awsV1(
            ['secretsmanager', 'create-secret', '--name', 'moto-secret', '--secret-string', CANARY],
            env(),
          ),
        ),
    },
    {
      name: 'AWS CLI v1: secretsmanager get-secret-value',
      action: 'secretsmanager:GetSecretValue',
      operation: 'GetSecretValue',
      run: () => cli(awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'moto-secret'], env())),
      check: (out) => {
        const got = JSON.parse(out) as { Name: string; SecretString: string };
        assert.equal(got.Name, 'moto-secret');
        assert.ok(!out.includes(CANARY), 'the agent gets a placeholder, not the secret');
      },
    },
    // No rest-json service (Lambda, API Gateway, EKS): moto's IAM auth mode refuses their
    // signatures even straight from the AWS CLI; the verifying fakes cover them.
    {
      name: 'AWS CLI v1: kinesis list-streams (json 1.1)',
      action: 'kinesis:ListStreams',
      operation: 'ListStreams',
      run: () => cli(awsV1(['kinesis', 'list-streams'], env())),
    },
    {
      name: 'boto3: ec2 describe_vpcs (ec2 query)',
      action: 'ec2:DescribeVpcs',
      operation: 'DescribeVpcs',
      deniedFirst: true,
      run: () => settled(boto3(`result = len(boto3.client('ec2').describe_vpcs()['Vpcs'])`, env())),
    },
    {
      name: 'AWS CLI v1: ssm put-parameter',
      action: 'ssm:PutParameter',
      operation: 'PutParameter',
      run: () =>
        cli(awsV1(['ssm', 'put-parameter', '--name', '/moto/p', '--value', 'v1', '--type', 'String'], env())),
    },
    {
      name: 'AWS CLI v1: logs create-log-group',
      action: 'logs:CreateLogGroup',
      operation: 'CreateLogGroup',
      run: () => cli(awsV1(['logs', 'create-log-group', '--log-group-name', 'moto-group'], env())),
    },
    {
      name: 'JS SDK v3: sqs ReceiveMessage gets what was sent',
      action: 'sqs:ReceiveMessage',
      operation: 'ReceiveMessage',
      run: () =>
        settled(
          new SQSClient(sdkConfig(env())).send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
          ),
        ),
      check: (out) =>
        assert.deepEqual(
          (JSON.parse(out) as { Messages: { Body: string }[] }).Messages.map((m) => m.Body),
          ['to moto'],
        ),
    },
  ];
}
