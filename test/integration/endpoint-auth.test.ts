import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awsV1 } from '../support/aws-clients';
import { startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { sendSigned } from '../support/signed-request';
import { type Stack, startStack } from '../support/stack';

const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** Every way a task key can be wrong ends at the gateway with AWS's own error, and reaches no upstream. */
void describe('endpoint mode: authentication', () => {
  let s: Stack;
  before(async () => {
    s = await startStack();
  });
  after(async () => {
    await s?.close();
  });

  const sts = (over: Partial<Parameters<typeof sendSigned>[0]> = {}) =>
    sendSigned({
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: 'sts',
      headers: FORM,
      body: STS_BODY,
      ...over,
    });

  void test('a correctly signed call passes (control for the cases below)', async () => {
    const before = s.fake.received.length;
    const r = await sts();
    assert.equal(r.status, 200, r.body);
    assert.equal(s.fake.received.length, before + 1);
  });

  void test('a wrong secret: SignatureDoesNotMatch from the CLI, nothing forwarded', async () => {
    const before = s.fake.received.length;
    const env = { ...s.task.env, AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) };
    const r = await awsV1(['sts', 'get-caller-identity'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /SignatureDoesNotMatch/);
    assert.equal(s.fake.received.length, before);
  });

  void test('an unknown key: InvalidClientTokenId, nothing forwarded, and the attempt is journaled', async () => {
    const before = s.fake.received.length;
    const env = { ...s.task.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' };
    const r = await awsV1(['sts', 'get-caller-identity'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidClientTokenId/);
    assert.equal(s.fake.received.length, before);
    const events = await readJournalEvents(s.gw.dataDir, '_gateway');
    assert.ok(events.some((e) => e.type === 'call.error' && e.data.code === 'InvalidClientTokenId'));
  });

  void test('a tampered body after signing is refused and never forwarded, with or without a declared hash', async () => {
    const before = s.fake.received.length;
    const tamper = (x: { body?: string | Buffer; headers: Record<string, string> }): void => {
      x.body = 'Action=GetCallerIdentity&Version=2011-06-16';
    };
    // smithy declares x-amz-content-sha256 by default: the signature holds, the bytes do not.
    const declared = await sts({ mutate: tamper });
    assert.equal(declared.status, 400);
    assert.match(declared.body, /XAmzContentSHA256Mismatch/);
    // Without the header the body hash is part of the signature itself.
    const undeclared = await sts({
      mutate: (x) => {
        tamper(x);
        delete x.headers['x-amz-content-sha256'];
      },
    });
    assert.equal(undeclared.status, 403);
    assert.match(undeclared.body, /SignatureDoesNotMatch/);
    assert.equal(s.fake.received.length, before);
  });

  void test('a stale date (20 minutes old): RequestTimeTooSkewed', async () => {
    const before = s.fake.received.length;
    const r = await sts({ signingDate: new Date(Date.now() - 20 * 60_000) });
    assert.equal(r.status, 403);
    assert.match(r.body, /RequestTimeTooSkewed/);
    assert.equal(s.fake.received.length, before);
  });

  void test('an ended task: ExpiredToken', async () => {
    const t = await startTask(s.gw, ['--name', 'short-lived']);
    let r = await awsV1(['sts', 'get-caller-identity'], t.env);
    assert.equal(r.code, 0, r.stderr);
    const end = await s.gw.cli(['task', 'end', t.taskId, '--json']);
    assert.equal(end.code, 0, end.stderr);
    assert.equal(JSON.parse(end.stdout).state, 'ended');
    const before = s.fake.received.length;
    r = await awsV1(['sts', 'get-caller-identity'], t.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ExpiredToken/);
    assert.equal(s.fake.received.length, before);
    const events = await readJournalEvents(s.gw.dataDir, t.taskId);
    assert.deepEqual(
      events.map((e) => e.type),
      ['task.started', 'call.request', 'call.decision', 'call.response', 'task.ended', 'call.error'],
    );
  });

  void test('an expired task: ExpiredToken', async () => {
    const t = await startTask(s.gw, ['--name', 'one second', '--ttl', '1s']);
    await new Promise((r) => setTimeout(r, 1200));
    const r = await awsV1(['sts', 'get-caller-identity'], t.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ExpiredToken/);
    const list = JSON.parse((await s.gw.cli(['task', 'list', '--json'])).stdout) as {
      taskId: string;
      state: string;
    }[];
    assert.equal(list.find((x) => x.taskId === t.taskId)?.state, 'expired');
  });

  void test('the real secret key is nowhere the agent can see: env, outputs, journal, gateway log', async () => {
    const real = s.fake.credentials;
    const seen: string[] = [JSON.stringify(s.task.env)];
    seen.push(JSON.stringify(await awsV1(['sts', 'get-caller-identity'], s.task.env)));
    seen.push(
      JSON.stringify(await awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'x'], s.task.env)),
    );
    seen.push(JSON.stringify(await awsV1(['s3', 'ls', 's3://no-such-bucket'], s.task.env)));
    seen.push(JSON.stringify(await readJournalEvents(s.gw.dataDir, s.task.taskId)));
    seen.push(s.gw.stderr(), s.gw.stdoutLines().join('\n'));
    const all = seen.join('\n');
    assert.ok(all.length > 1000);
    assert.ok(!all.includes(real.secretAccessKey), 'real secret leaked');
    assert.ok(!all.includes(real.accessKeyId), 'real access key id leaked');
  });
});
