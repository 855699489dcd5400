import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsV1, boto3 } from '../support/aws-clients';
import { startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { startOidcStack, type OidcStack } from '../support/oidc-stack';

const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/deploy';

void describe("an agent's own sts:AssumeRole through the gateway", () => {
  let s: OidcStack;
  before(async () => {
    s = await startOidcStack();
    assert.equal((await s.login('alice')).code, 0);
  });
  after(async () => {
    await s?.close();
  });

  void test('returns a derived key bound to the role session; AWS credentials stay in the gateway', async () => {
    const task = await startTask(s.gw, ['--name', 'assume a role']);
    const creds = (await boto3(
      `c = boto3.client('sts').assume_role(RoleArn='${DEPLOY_ROLE}', RoleSessionName='agent-deploy')['Credentials']\n` +
        `result = {k: c[k] for k in ('AccessKeyId', 'SecretAccessKey', 'SessionToken')}`,
      task.env,
    )) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const real = s.fake.webIdentitySts!.agentRoles.at(-1)!;
    assert.equal(real.roleArn, DEPLOY_ROLE);
    assert.match(creds.AccessKeyId, /^AKAL/);
    assert.notEqual(creds.AccessKeyId, real.issued.accessKeyId);
    assert.notEqual(creds.SecretAccessKey, real.issued.secretAccessKey);
    assert.notEqual(creds.SessionToken, real.issued.sessionToken);

    s.fake.reset();
    const listed = await boto3(
      `c = boto3.client('sqs', aws_access_key_id='${creds.AccessKeyId}', aws_secret_access_key='${creds.SecretAccessKey}', aws_session_token='${creds.SessionToken}')\n` +
        `result = c.list_queues().get('QueueUrls', [])`,
      task.env,
    );
    assert.ok(Array.isArray(listed));
    const sqs = s.fake.received.filter((c) => c.service === 'sqs');
    assert.equal(sqs.length, 1);
    assert.equal(sqs[0]!.verified, 'ok');
    assert.equal(sqs[0]!.accessKeyId, real.issued.accessKeyId, 're-signed with the role session AWS issued');

    const events = await readJournalEvents(s.gw.dataDir, task.taskId);
    const child = events.find((e) => e.type === 'task.child')!;
    assert.equal(child.data.accessKeyId, creds.AccessKeyId);
    assert.equal(child.data.awsAccessKeyId, real.issued.accessKeyId);
    assert.equal(child.data.roleSessionName, 'agent-deploy');
    const request = events.filter((e) => e.type === 'call.request').at(-1)!;
    assert.equal(request.data.service, 'sqs');
    assert.equal(
      request.data.accessKeyId,
      creds.AccessKeyId,
      'recorded in the parent task, under the child key',
    );
    const text = JSON.stringify(events);
    assert.ok(!text.includes(real.issued.secretAccessKey) && !text.includes(real.issued.sessionToken));

    // The derived key is bound to its token, and ends with its task.
    const wrongToken = await boto3(
      `c = boto3.client('sqs', aws_access_key_id='${creds.AccessKeyId}', aws_secret_access_key='${creds.SecretAccessKey}', aws_session_token='other')\n` +
        `import botocore\ntry:\n    c.list_queues()\n    result = 'ok'\nexcept botocore.exceptions.ClientError as e:\n    result = e.response['Error']['Code']`,
      task.env,
    );
    assert.equal(wrongToken, 'InvalidClientTokenId');
    assert.equal((await s.gw.cli(['task', 'end', task.taskId])).code, 0);
    const ended = await boto3(
      `c = boto3.client('sqs', aws_access_key_id='${creds.AccessKeyId}', aws_secret_access_key='${creds.SecretAccessKey}', aws_session_token='${creds.SessionToken}')\n` +
        `import botocore\ntry:\n    c.list_queues()\n    result = 'ok'\nexcept botocore.exceptions.ClientError as e:\n    result = e.response['Error']['Code']`,
      task.env,
    );
    // The role session's AWS credentials are dropped with the task: the key is unknown from then on.
    assert.equal(ended, 'InvalidClientTokenId');
  });

  void test('the AWS CLI with a role_arn profile keeps working through Airlock', async () => {
    const task = await startTask(s.gw, ['--name', 'profile with role_arn']);
    const config = join(s.gw.dataDir, 'agent-aws-config');
    await writeFile(config, `[profile deploy]\nrole_arn = ${DEPLOY_ROLE}\ncredential_source = Environment\n`);
    s.fake.reset();
    // HOME in the data dir: the CLI caches assumed-role credentials under ~/.aws/cli/cache.
    const r = await awsV1(['sqs', 'list-queues', '--profile', 'deploy'], {
      ...task.env,
      AWS_CONFIG_FILE: config,
      HOME: s.gw.dataDir,
    });
    assert.equal(r.code, 0, r.stderr);
    const real = s.fake.webIdentitySts!.agentRoles.at(-1)!;
    const sqs = s.fake.received.filter((c) => c.service === 'sqs');
    assert.equal(sqs.at(-1)?.accessKeyId, real.issued.accessKeyId);
  });
});
