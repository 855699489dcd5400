import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import { agentShellEnv, awsV1, awsV2, boto3, hasAwsCliV2 } from '../support/aws-clients';
import {
  REPO_ROOT,
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { type LooseEvent, readJournalEvents } from '../support/journal';
import { permissivePolicy } from '../support/stack';

/** A loopback port that counts (and drops) every connection: where the fake's queue URLs point. */
async function startTrap(): Promise<{ server: Server; port: number; connections: () => number }> {
  let n = 0;
  const server = createServer((socket) => {
    n++;
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => n,
  };
}

/**
 * The JS SDK v3 as an agent runs it: a node script with exactly the task env (AWS_ENDPOINT_URL,
 * no explicit endpoint), so the SDK's useQueueUrlAsEndpoint (default on) is in force.
 */
function sdkV3(script: string, taskEnv: Record<string, string>): Promise<unknown> {
  const program =
    "import * as sqs from '@aws-sdk/client-sqs';\n" +
    'const client = new sqs.SQSClient({ maxAttempts: 1 });\n' +
    `const result = await (async () => {\n${script}\n})();\n` +
    'console.log(JSON.stringify(result));\n';
  return new Promise((resolve, reject) => {
    // Resolved from the repository, as the test itself resolves its SDKs.
    const p = spawn(process.execPath, ['--input-type=module', '-e', program], {
      cwd: join(REPO_ROOT, 'test', 'integration'),
      env: agentShellEnv(taskEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`SDK v3 script failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? 'null') as unknown);
    });
  });
}

void describe('SQS in endpoint mode: every call stays on the gateway', () => {
  let trap: Awaited<ReturnType<typeof startTrap>>;
  let fake: FakeAws;
  let gw: GatewayProcess;
  let task: StartedTask;
  let cleanup: () => Promise<void>;
  let realOrigin: string;
  before(async () => {
    trap = await startTrap();
    realOrigin = `http://127.0.0.1:${trap.port}`;
    fake = await startFakeAws({ sqsQueueUrlOrigin: () => realOrigin });
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--account-id', fake.accountId, ...policy.args],
    });
    task = await startTask(gw, ['--name', 'sqs task']);
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
    await cleanup?.();
    trap?.server.close();
  });

  async function requests(operation: string): Promise<LooseEvent[]> {
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    return events.filter(
      (e) => e.type === 'call.request' && e.data.service === 'sqs' && e.data.operation === operation,
    );
  }

  void test('JS SDK v3: queue URLs point at the gateway, no call goes to the queue URL host', async () => {
    const r = (await sdkV3(
      `
      const { QueueUrl } = await client.send(new sqs.CreateQueueCommand({ QueueName: 'jobs' }));
      await client.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: 'hello from v3' }));
      const got = await client.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
      const attrs = await client.send(new sqs.GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      await client.send(new sqs.DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages[0].ReceiptHandle }));
      const again = await client.send(new sqs.GetQueueUrlCommand({ QueueName: 'jobs' }));
      const listed = await client.send(new sqs.ListQueuesCommand({}));
      return { QueueUrl, body: got.Messages[0].Body, arn: attrs.Attributes.QueueArn, again: again.QueueUrl, listed: listed.QueueUrls };
      `,
      task.env,
    )) as { QueueUrl: string; body: string; arn: string; again: string; listed: string[] };
    const gatewayUrl = `http://127.0.0.1:${gw.port}/${fake.accountId}/jobs`;
    assert.equal(r.QueueUrl, gatewayUrl);
    assert.equal(r.again, gatewayUrl);
    assert.deepEqual(r.listed, [gatewayUrl]);
    assert.equal(r.body, 'hello from v3');
    assert.equal(r.arn, `arn:aws:sqs:us-east-1:${fake.accountId}:jobs`);
    assert.equal(trap.connections(), 0, 'no connection went to the queue URL host');
    // What AWS received named the real queue: the fake answers only to URLs it issued.
    const sqsCalls = fake.received.filter((c) => c.service === 'sqs');
    assert.equal(sqsCalls.length, 7);
    assert.ok(sqsCalls.every((c) => c.status === 200));
  });

  void test('the recording and the decision name the real queue', async () => {
    const [send] = await requests('SendMessage');
    assert.equal(send?.data.params.QueueUrl, `${realOrigin}/${fake.accountId}/jobs`);
    assert.deepEqual(send?.data.actions, [
      { action: 'sqs:SendMessage', resources: [`arn:aws:sqs:us-east-1:${fake.accountId}:jobs`] },
    ]);
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    const [create] = await requests('CreateQueue');
    const answer = events.find((e) => e.type === 'call.response' && e.data.callId === create?.data.callId);
    assert.match(
      JSON.stringify(answer?.data),
      new RegExp(`127\\.0\\.0\\.1:${trap.port}/${fake.accountId}/jobs`),
    );
  });

  void test('boto3 and AWS CLI v1 (JSON protocol) work with the gateway queue URLs', async () => {
    const r = (await boto3(
      [
        "c = boto3.client('sqs')",
        "url = c.create_queue(QueueName='py-jobs')['QueueUrl']",
        "c.send_message(QueueUrl=url, MessageBody='hello from boto3')",
        "m = c.receive_message(QueueUrl=url)['Messages'][0]",
        "result = [url, m['Body']]",
      ].join('\n'),
      task.env,
    )) as [string, string];
    assert.deepEqual(r, [`http://127.0.0.1:${gw.port}/${fake.accountId}/py-jobs`, 'hello from boto3']);
    const v1 = await awsV1(
      ['sqs', 'get-queue-attributes', '--queue-url', r[0], '--attribute-names', 'QueueArn'],
      task.env,
    );
    assert.equal(v1.code, 0, v1.stderr);
    assert.equal(
      JSON.parse(v1.stdout).Attributes.QueueArn,
      `arn:aws:sqs:us-east-1:${fake.accountId}:py-jobs`,
    );
    assert.equal(trap.connections(), 0);
  });

  void test(
    'AWS CLI 2.9 (query protocol) works with the gateway queue URLs',
    { skip: !hasAwsCliV2 && 'no /usr/bin/aws' },
    async () => {
      let r = await awsV2(['sqs', 'create-queue', '--queue-name', 'cli-jobs'], task.env);
      assert.equal(r.code, 0, r.stderr);
      const url = JSON.parse(r.stdout).QueueUrl as string;
      assert.equal(url, `http://127.0.0.1:${gw.port}/${fake.accountId}/cli-jobs`);
      r = await awsV2(
        ['sqs', 'send-message', '--queue-url', url, '--message-body', 'hello & <cli>'],
        task.env,
      );
      assert.equal(r.code, 0, r.stderr);
      r = await awsV2(['sqs', 'receive-message', '--queue-url', url], task.env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).Messages[0].Body, 'hello & <cli>');
      const [send] = (await requests('SendMessage')).filter((e) => e.data.protocol === 'query');
      assert.equal(send?.data.params.QueueUrl, `${realOrigin}/${fake.accountId}/cli-jobs`);
      assert.equal(trap.connections(), 0);
    },
  );
});
