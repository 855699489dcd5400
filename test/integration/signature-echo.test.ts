import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeAws, startFakeAws } from '../fakes';
import { awsStyleSecret, randomChars } from '../fakes/credentials';
import { awsV1 } from '../support/aws-clients';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { sendSigned } from '../support/signed-request';
import { permissivePolicy } from '../support/stack';

/** Every journal file of the data dir, as one text: what an auditor (or an agent reading it) gets. */
async function journalText(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'journal');
  const files = await readdir(dir);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.join('\n');
}

/**
 * The gateway holds the fake's real access key id (the canary) and a session token, but a wrong
 * secret: every re-signed call is refused upstream with SignatureDoesNotMatch, and AWS-style the
 * refusal echoes what was signed. None of it may reach the agent or the journal.
 */
void describe('upstream SignatureDoesNotMatch does not leak the real credentials', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let task: StartedTask;
  let cleanup: () => Promise<void>;
  const sessionToken =
    'FwoGZXIvYXdzECanary' + randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 120);
  const outputs: string[] = [];

  before(async () => {
    fake = await startFakeAws();
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: {
        accessKeyId: fake.credentials.accessKeyId,
        secretAccessKey: awsStyleSecret(),
        sessionToken,
      },
      args: policy.args,
    });
    task = await startTask(gw, ['--name', 'signature echo']);
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
    await cleanup?.();
  });

  /** The signatures the gateway put on what reached the fake (they must not come back either). */
  const gatewaySignatures = (): string[] =>
    fake.received
      .map((c) => /Signature=([0-9a-f]{64})/.exec(String(c.headers.authorization ?? ''))?.[1])
      .filter((x): x is string => x !== undefined);

  function assertClean(text: string, where: string): void {
    assert.ok(!text.includes(fake.credentials.accessKeyId), `${where} holds the real access key id`);
    assert.ok(!text.includes(sessionToken), `${where} holds the real session token`);
    for (const sig of gatewaySignatures())
      assert.ok(!text.includes(sig), `${where} holds the gateway's signature`);
    assert.doesNotMatch(text, /Canonical String for this request|<CanonicalRequest>|<StringToSign>/, where);
  }

  void test('S3: the raw answer keeps the error, with the task key in place of the real one', async () => {
    const r = await sendSigned({
      endpoint: task.env.AWS_ENDPOINT_URL!,
      accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
      service: 's3',
      method: 'GET',
      path: '/some-bucket',
    });
    outputs.push(r.body);
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    // The fake did echo them (the canary is live): it reached the upstream and was refused there.
    const last = fake.received.at(-1);
    assert.equal(last?.code, 'SignatureDoesNotMatch');
    assert.equal(last?.accessKeyId, fake.credentials.accessKeyId);
    assert.match(r.body, new RegExp(`<AWSAccessKeyId>${task.env.AWS_ACCESS_KEY_ID}</AWSAccessKeyId>`));
    assertClean(r.body, 'the S3 answer');
  });

  void test('S3, STS (query XML) and DynamoDB (JSON) through the AWS CLI, debug output included', async () => {
    for (const args of [
      ['s3api', 'list-objects-v2', '--bucket', 'some-bucket'],
      ['sts', 'get-caller-identity'],
      ['dynamodb', 'list-tables'],
    ]) {
      const r = await awsV1(['--debug', ...args], task.env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /SignatureDoesNotMatch|InvalidSignatureException/, args.join(' '));
      outputs.push(r.stdout, r.stderr);
      assertClean(r.stdout + r.stderr, `aws ${args.join(' ')}`);
    }
    const echoed = fake.received.filter(
      (c) => c.code === 'SignatureDoesNotMatch' || c.code === 'InvalidSignatureException',
    );
    assert.ok(echoed.length >= 4, 'every call reached the fake and was refused there');
  });

  void test('the journal holds the refusals, and none of the secrets', async () => {
    const text = await journalText(gw.dataDir);
    assert.match(text, /SignatureDoesNotMatch/);
    assertClean(text, 'the journal');
    // Nothing the agent saw was checked against signatures the gateway made after it.
    for (const out of outputs) assertClean(out, 'an earlier output');
  });
});

void describe("the gateway's own SignatureDoesNotMatch echoes nothing", () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let task: StartedTask;
  let cleanup: () => Promise<void>;
  before(async () => {
    fake = await startFakeAws();
    const policy = await permissivePolicy();
    cleanup = policy.cleanup;
    gw = await startGatewayProcess({ upstream: fake.url, credentials: fake.credentials, args: policy.args });
    task = await startTask(gw, ['--name', 'own refusals']);
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
    await cleanup?.();
  });

  void test('a wrong task secret is refused without the canonical request, string-to-sign or either signature', async () => {
    for (const service of ['s3', 'sts', 'dynamodb']) {
      let sent = '';
      const r = await sendSigned({
        endpoint: task.env.AWS_ENDPOINT_URL!,
        accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: 'wrong-secret-' + 'x'.repeat(27),
        service,
        method: service === 's3' ? 'GET' : 'POST',
        path: service === 's3' ? '/some-bucket' : '/',
        ...(service === 'dynamodb'
          ? {
              headers: {
                'x-amz-target': 'DynamoDB_20120810.ListTables',
                'content-type': 'application/x-amz-json-1.0',
              },
              body: '{}',
            }
          : service === 'sts'
            ? {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: 'Action=GetCallerIdentity&Version=2011-06-15',
              }
            : {}),
        mutate: (x) => (sent = /Signature=([0-9a-f]{64})/.exec(x.headers.authorization ?? '')?.[1] ?? ''),
      });
      assert.equal(r.status, 403, `${service}: ${r.body}`);
      assert.match(r.body, /SignatureDoesNotMatch/);
      assert.ok(sent.length === 64);
      assert.ok(!r.body.includes(sent), `${service}: echoes the signature provided`);
      assert.doesNotMatch(
        r.body,
        /AWS4-HMAC-SHA256|aws4_request|Canonical|StringToSign|x-amz-date|host:/i,
        service,
      );
      assert.ok(!r.body.includes(task.env.AWS_SECRET_ACCESS_KEY!), service);
    }
    const journal = await journalText(gw.dataDir);
    assert.doesNotMatch(journal, /aws4_request|Canonical|StringToSign/);
    assert.ok(!journal.includes(task.env.AWS_SECRET_ACCESS_KEY!));
  });
});
