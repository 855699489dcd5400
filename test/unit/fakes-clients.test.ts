import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startFakeAws, type FakeAws } from '../fakes/index';

// A second, independent signer (botocore) must pass the front too, and its parsers must accept
// the stubs' responses: that is what makes the fakes a fair stand-in for AWS.

const run = promisify(execFile);

function available(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasCli = available('aws', ['--version']);
const hasBoto3 = available('python3', ['-c', 'import boto3']);

let fake: FakeAws;

before(async () => {
  fake = await startFakeAws({
    secretValue: 'boto-canary-value',
    lambdaEnvironment: { API_TOKEN: 'lambda-canary-token' },
  });
});

after(async () => {
  await fake.close();
});

function clientEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_ACCESS_KEY_ID: fake.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fake.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

void test(
  'AWS CLI v1 sts get-caller-identity passes the front',
  { skip: !hasCli && 'aws CLI not installed' },
  async () => {
    const { stdout } = await run(
      'aws',
      ['sts', 'get-caller-identity', '--endpoint-url', fake.url, '--output', 'json'],
      {
        env: clientEnv(),
      },
    );
    const out = JSON.parse(stdout) as { Account?: string; Arn?: string };
    assert.equal(out.Account, fake.accountId);
    assert.equal(out.Arn, fake.callerArn);
    const call = fake.received.find((c) => c.service === 'sts');
    assert.equal(call?.verified, 'ok');
    assert.match(String(call?.headers['user-agent']), /aws-cli/);
  },
);

const PROBE = `
import boto3, json, sys
url = sys.argv[1]
mk = lambda s: boto3.client(s, endpoint_url=url, region_name='us-east-1')
out = {}
iam = mk('iam')
iam.create_role(RoleName='probe-role', AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
out['role'] = iam.get_role(RoleName='probe-role')['Role']['Arn']
out['roles'] = sorted(r['RoleName'] for r in iam.list_roles()['Roles'])
iam.delete_role(RoleName='probe-role')
try:
    iam.get_role(RoleName='probe-role')
except iam.exceptions.NoSuchEntityException:
    out['deleted'] = True
ec2 = mk('ec2')
ids = [i['InstanceId'] for r in ec2.describe_instances()['Reservations'] for i in r['Instances']]
out['instances'] = ids
term = ec2.terminate_instances(InstanceIds=[ids[0]])['TerminatingInstances'][0]
out['terminated'] = [term['InstanceId'], term['CurrentState']['Name']]
lam = mk('lambda')
fns = lam.list_functions()['Functions']
out['env'] = [f.get('Environment', {}).get('Variables') for f in fns]
out['invoke'] = json.loads(lam.invoke(FunctionName=fns[0]['FunctionName'], Payload=b'{"x":1}')['Payload'].read())
out['getfn'] = lam.get_function(FunctionName=fns[0]['FunctionArn'])['Configuration']['FunctionName']
sm = mk('secretsmanager')
name = sm.list_secrets()['SecretList'][0]['Name']
out['secret'] = sm.get_secret_value(SecretId=name)['SecretString']
sm.put_secret_value(SecretId=name, SecretString='rotated')
out['rotated'] = sm.get_secret_value(SecretId=name)['SecretString']
sts = mk('sts')
out['assumed'] = sts.assume_role(RoleArn='arn:aws:iam::123456789012:role/x', RoleSessionName='probe')['Credentials']['AccessKeyId']
s3 = mk('s3')
s3.create_bucket(Bucket='boto-bucket')
s3.put_object(Bucket='boto-bucket', Key='k', Body=b'x' * 70000)
out['s3'] = len(s3.get_object(Bucket='boto-bucket', Key='k')['Body'].read())
print(json.dumps(out))
`;

void test(
  'boto3 drives every stub and S3 through the front',
  { skip: !hasBoto3 && 'boto3 not installed' },
  async () => {
    fake.reset();
    const { stdout } = await run('python3', ['-c', PROBE, fake.url], { env: clientEnv() });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out['role'], `arn:aws:iam::${fake.accountId}:role/probe-role`);
    assert.deepEqual(out['roles'], ['airlock-existing-role', 'probe-role']);
    assert.equal(out['deleted'], true);
    assert.deepEqual(out['instances'], ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002']);
    assert.deepEqual(out['terminated'], ['i-0a1b2c3d4e5f60001', 'shutting-down']);
    assert.deepEqual(out['env'], [{ API_TOKEN: 'lambda-canary-token' }, null]);
    assert.deepEqual(out['invoke'], {
      statusCode: 200,
      function: fake.planted.lambdaFunctionName,
      echo: { x: 1 },
    });
    assert.equal(out['getfn'], fake.planted.lambdaFunctionName);
    assert.equal(out['secret'], 'boto-canary-value');
    assert.equal(out['rotated'], 'rotated');
    assert.equal(out['assumed'], fake.planted.assumedRole.accessKeyId);
    assert.equal(out['s3'], 70000);
    const failed = fake.received.filter((c) => c.verified !== 'ok');
    assert.deepEqual(failed, [], 'every botocore request verified');
    assert.deepEqual([...new Set(fake.received.map((c) => c.service))].sort(), [
      'ec2',
      'iam',
      'lambda',
      's3',
      'secretsmanager',
      'sts',
    ]);
  },
);
