import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../gateway/aws/identify';
import type { RequestView } from '../../gateway/aws/types';
import { awsCliCommand, kebabName, shellWord } from '../src/model/aws-cli-command';

/** The command for a request as the gateway identifies and records it (service, operation, params). */
function commandFor(view: Partial<Omit<RequestView, 'body'>> & { body?: string }): string | undefined {
  const { body, ...rest } = view;
  const id = identify({
    method: 'POST',
    path: '/',
    query: [],
    headers: {},
    signingName: 's3',
    region: 'eu-west-1',
    ...rest,
    ...(body !== undefined ? { body: Buffer.from(body) } : {}),
  });
  return awsCliCommand({ ...id, region: 'eu-west-1' });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

void test('operation and member names as botocore forms them', () => {
  assert.equal(kebabName('DescribeDBInstances'), 'describe-db-instances');
  assert.equal(kebabName('ListObjectsV2'), 'list-objects-v2');
  assert.equal(kebabName('GetBucketAcl'), 'get-bucket-acl');
  assert.equal(kebabName('ListRoleARNs'), 'list-role-arns');
  assert.equal(kebabName('AttachRolePolicy'), 'attach-role-policy');
  assert.equal(shellWord("it's"), `'it'\\''s'`);
  assert.equal(shellWord('arn:aws:iam::123456789012:role/x'), 'arn:aws:iam::123456789012:role/x');
  assert.equal(shellWord('$(rm -rf ~)'), `'$(rm -rf ~)'`);
});

void test('a JSON call: members as options, structures as JSON, booleans as flags', () => {
  assert.equal(
    commandFor({
      signingName: 'dynamodb',
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ TableName: 'orders', Key: { id: { S: "it's" } }, ConsistentRead: true }),
    }),
    `aws dynamodb get-item --table-name orders --key '{"id":{"S":"it'\\''s"}}' --consistent-read --region eu-west-1`,
  );
});

void test('a query call: flattened members rebuilt into the structure the CLI takes', () => {
  assert.equal(
    commandFor({
      signingName: 'iam',
      headers: FORM,
      body:
        'Action=AttachRolePolicy&Version=2010-05-08&RoleName=deploy' +
        '&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess',
    }),
    'aws iam attach-role-policy --role-name deploy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess --region eu-west-1',
  );
  assert.equal(
    commandFor({
      signingName: 'iam',
      headers: FORM,
      body: 'Action=CreateRole&Version=2010-05-08&RoleName=r&Tags.member.1.Key=team&Tags.member.1.Value=a+b&Tags.member.2.Key=env&Tags.member.2.Value=dev',
    }),
    `aws iam create-role --role-name r --tags '[{"Key":"team","Value":"a b"},{"Key":"env","Value":"dev"}]' --region eu-west-1`,
  );
});

void test('an EC2 call: wire names turned into the model list members', () => {
  assert.equal(
    commandFor({
      signingName: 'ec2',
      headers: FORM,
      body: 'Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag%3AName&Filter.1.Value.1=web',
    }),
    `aws ec2 describe-instances --instance-ids '["i-1","i-2"]' --filters '[{"Name":"tag:Name","Values":["web"]}]' --region eu-west-1`,
  );
});

void test('an S3 call goes to s3api; a download names its output file', () => {
  assert.equal(
    commandFor({ method: 'GET', path: '/reports/2024/q1.csv', query: [['versionId', 'v 1']] }),
    `aws s3api get-object --bucket reports --key 2024/q1.csv --version-id 'v 1' --region eu-west-1 q1.csv`,
  );
  assert.equal(
    commandFor({
      method: 'GET',
      path: '/reports',
      query: [
        ['list-type', '2'],
        ['prefix', 'a/'],
      ],
    }),
    'aws s3api list-objects-v2 --bucket reports --prefix a/ --region eu-west-1',
  );
});

void test('an unidentified call has no command', () => {
  assert.equal(awsCliCommand({ service: 'unknown', params: {} }), undefined);
  assert.equal(awsCliCommand({ service: 'iam', params: {} }), undefined);
});
