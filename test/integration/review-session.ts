/**
 * A known agent session for the access-review suites: real clients (AWS CLI v1, boto3, the JS SDK
 * v3) across S3 (REST-XML), DynamoDB and Secrets Manager (JSON), SQS (JSON) and IAM/STS (query),
 * with one call the scope refuses. Replaying it under another task or gateway makes the same
 * calls in the same order (no client here decides what to call next from an answer).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { FakeAws } from '../fakes';
import { awsV1, boto3, sdkConfig } from '../support/aws-clients';

export const SESSION_SCOPE = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Objects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::reviews/*',
    },
    { Sid: 'Buckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reviews' },
    {
      Sid: 'Tables',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Resource: 'arn:aws:dynamodb:*:*:table/*',
    },
    { Sid: 'Queues', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
    { Sid: 'Roles', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' },
    { Sid: 'Secrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
  ],
};

export interface Step {
  readonly name: string;
  /** Resolves true when AWS answered with success, false when the call was refused. */
  run(env: Record<string, string>, fake: FakeAws): Promise<boolean>;
}

async function ok(p: Promise<{ code: number }>): Promise<boolean> {
  return (await p).code === 0;
}

async function boto3Ok(snippet: string, env: Record<string, string>): Promise<boolean> {
  const r = await boto3(
    `try:\n${snippet.replace(/^/gm, '    ')}\n    result = True\nexcept Exception:\n    result = False`,
    env,
  );
  return r === true;
}

export function sessionSteps(bodyFile: string): Step[] {
  return [
    {
      name: 'aws s3api put-object',
      run: (env) =>
        ok(
          awsV1(
            ['s3api', 'put-object', '--bucket', 'reviews', '--key', 'reports/a.txt', '--body', bodyFile],
            env,
          ),
        ),
    },
    {
      // Needs more than its name says: s3:GetObject on the source and s3:PutObjectTagging too.
      name: 'aws s3api copy-object with tags',
      run: (env) =>
        ok(
          awsV1(
            [
              's3api',
              'copy-object',
              '--bucket',
              'reviews',
              '--key',
              'reports/b.txt',
              '--copy-source',
              'reviews/reports/a.txt',
              '--tagging-directive',
              'REPLACE',
              '--tagging',
              'team=finance',
            ],
            env,
          ),
        ),
    },
    {
      name: 'boto3 s3 get_object',
      run: (env) =>
        boto3Ok(`boto3.client('s3').get_object(Bucket='reviews', Key='reports/a.txt')['Body'].read()`, env),
    },
    {
      name: 'SDK v3 S3 ListObjectsV2',
      async run(env) {
        const s3 = new S3Client({ ...sdkConfig(env), forcePathStyle: true });
        try {
          await s3.send(new ListObjectsV2Command({ Bucket: 'reviews', Prefix: 'reports/' }));
          return true;
        } catch {
          return false;
        } finally {
          s3.destroy();
        }
      },
    },
    {
      name: 'aws dynamodb put-item',
      run: (env) =>
        ok(awsV1(['dynamodb', 'put-item', '--table-name', 'orders', '--item', '{"id":{"S":"r-1"}}'], env)),
    },
    {
      name: 'SDK v3 DynamoDB GetItem',
      async run(env) {
        const ddb = new DynamoDBClient(sdkConfig(env));
        try {
          await ddb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'r-1' } } }));
          return true;
        } catch {
          return false;
        } finally {
          ddb.destroy();
        }
      },
    },
    {
      name: 'boto3 sqs get_queue_url, send_message',
      // Two independent calls: a refused lookup does not keep the send from being made.
      run: (env, fake) =>
        boto3(
          `import os\nq = boto3.client('sqs')\nok = True\ntry:\n    q.get_queue_url(QueueName='jobs')\nexcept Exception:\n    ok = False\n` +
            `try:\n    q.send_message(QueueUrl=os.environ['AWS_ENDPOINT_URL'] + '/${fake.accountId}/jobs', MessageBody='hi')\nexcept Exception:\n    ok = False\nresult = ok`,
          env,
        ).then((r) => r === true),
    },
    {
      name: 'aws iam get-role',
      run: (env) => ok(awsV1(['iam', 'get-role', '--role-name', 'deployer'], env)),
    },
    {
      name: 'aws secretsmanager get-secret-value',
      run: (env, fake) =>
        ok(awsV1(['secretsmanager', 'get-secret-value', '--secret-id', fake.planted.secretName], env)),
    },
    { name: 'aws sts get-caller-identity', run: (env) => ok(awsV1(['sts', 'get-caller-identity'], env)) },
    {
      name: 'aws dynamodb delete-table (outside the scope)',
      run: (env) => ok(awsV1(['dynamodb', 'delete-table', '--table-name', 'orders'], env)),
    },
  ];
}

/** Creates what the session works on, with an unscoped task's env. */
export async function prepareResources(env: Record<string, string>): Promise<void> {
  const must = async (p: Promise<{ code: number; stderr: string }>, what: string): Promise<void> => {
    const r = await p;
    if (r.code !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  };
  await must(awsV1(['s3', 'mb', 's3://reviews'], env), 'mb');
  await must(
    awsV1(
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
    ),
    'create-table',
  );
  await must(awsV1(['sqs', 'create-queue', '--queue-name', 'jobs'], env), 'create-queue');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  await must(
    awsV1(['iam', 'create-role', '--role-name', 'deployer', '--assume-role-policy-document', trust], env),
    'create-role',
  );
}

/** A temp dir with the scope file and the object body the session uploads. */
export async function sessionFiles(): Promise<{
  dir: string;
  scope: string;
  body: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-review-'));
  const scope = join(dir, 'scope.json');
  const body = join(dir, 'a.txt');
  await writeFile(scope, JSON.stringify(SESSION_SCOPE));
  await writeFile(body, 'quarterly report\n');
  return { dir, scope, body, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function runSteps(
  steps: readonly Step[],
  env: Record<string, string>,
  fake: FakeAws,
): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const s of steps) out.push(await s.run(env, fake));
  return out;
}
