import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsV1, boto3 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { rawRequest } from '../support/signed-request';
import { type ApprovalStack, followEvents, startApprovalStack, TRUST_LAMBDA } from './approvals-helpers';

/** A CreateRole request signed once, so the very same bytes can be sent more than once. */
async function signedCreateRole(
  env: Record<string, string>,
  roleName: string,
): Promise<{ path: string; headers: Record<string, string>; body: string }> {
  const url = new URL(env.AWS_ENDPOINT_URL!);
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: roleName,
    AssumeRolePolicyDocument: TRUST_LAMBDA,
  }).toString();
  const signer = new SignatureV4({
    service: 'iam',
    region: 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    }),
  );
  return { path: signed.path, headers: { ...signed.headers }, body };
}

void describe('approvals: real clients wait for a human deciding through the CLI', () => {
  let s: ApprovalStack;
  before(async () => {
    // The built-in policy asks before IAM writes.
    s = await startApprovalStack(['--approval-timeout', '45s']);
  });
  after(async () => s?.close());

  void test('iam create-role waits, is approved with `airlock approve` while the AWS CLI waits, then succeeds', async () => {
    const events = await followEvents(s.gw);
    try {
      const before = s.upstreamCount('CreateRole');
      const cli = awsV1(
        ['iam', 'create-role', '--role-name', 'deploy-bot', '--assume-role-policy-document', TRUST_LAMBDA],
        s.task.env,
      );
      const a = await s.waitForPending((p) => p.action === 'iam:CreateRole');
      assert.equal(a.summary, 'Create IAM role deploy-bot trusted by lambda.amazonaws.com');
      assert.equal(a.rule?.id, 'ask-iam-writes');
      assert.equal(a.taskId, s.task.taskId);
      assert.deepEqual(a.resources, ['arn:aws:iam::123456789012:role/deploy-bot']);
      assert.equal(a.params.RoleName, 'deploy-bot');
      assert.equal(s.upstreamCount('CreateRole'), before, 'a held call must not reach AWS');

      const listed = await s.gw.cli(['approvals', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        (JSON.parse(listed.stdout) as { approvalId: string }[]).map((x) => x.approvalId),
        [a.approvalId],
      );
      const requested = await events.next((e) => e.type === 'approval.requested');
      assert.equal(requested.type === 'approval.requested' && requested.approval.approvalId, a.approvalId);

      const approved = await s.gw.cli(['approve', a.approvalId]);
      assert.equal(approved.code, 0, approved.stderr);
      const r = await cli;
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { Role: { RoleName: string } }).Role.RoleName, 'deploy-bot');
      assert.equal(s.upstreamCount('CreateRole'), before + 1);

      const decided = await events.next((e) => e.type === 'approval.decided');
      assert.equal(decided.type === 'approval.decided' && decided.approval.decision, 'approve-once');
      const recorded = await events.next(
        (e) => e.type === 'call.recorded' && e.call.actions.includes('iam:CreateRole'),
      );
      assert.equal(recorded.type === 'call.recorded' && recorded.call.decision, 'allow');

      const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
      const req = journal.find((e) => e.type === 'approval.requested' && e.data.approvalId === a.approvalId);
      assert.equal(req?.data.summary, a.summary);
      const dec = journal.find((e) => e.type === 'approval.decided' && e.data.approvalId === a.approvalId);
      assert.equal(dec?.data.decision, 'approve-once');
      assert.match(String(dec?.data.decidedBy), /\(cli\)$/);
      assert.equal(typeof dec?.data.waitedMs, 'number');
      const decision = journal.find((e) => e.type === 'call.decision' && e.data.approvalId === a.approvalId);
      assert.equal(decision?.data.decision, 'allow');
      assert.ok(
        journal.indexOf(req) < journal.indexOf(dec) && journal.indexOf(dec) < journal.indexOf(decision),
      );
    } finally {
      events.stop();
    }
  });

  void test('denied with `airlock deny --reason`: the AWS CLI gets AccessDenied with the reason; nothing reaches AWS', async () => {
    const before = s.upstreamCount('CreateRole');
    const cli = awsV1(
      ['iam', 'create-role', '--role-name', 'intruder', '--assume-role-policy-document', TRUST_LAMBDA],
      s.task.env,
    );
    const a = await s.waitForPending((p) => p.summary.includes('intruder'));
    const denied = await s.gw.cli(['deny', a.approvalId, '--reason', 'roles come from the deploy pipeline']);
    assert.equal(denied.code, 0, denied.stderr);
    const r = await cli;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /Airlock denied iam:CreateRole on arn:aws:iam::123456789012:role\/intruder/);
    assert.match(r.stderr, /roles come from the deploy pipeline/);
    assert.equal(s.upstreamCount('CreateRole'), before);
    const again = await s.gw.cli(['approve', a.approvalId]);
    assert.notEqual(again.code, 0, 'a decided approval cannot be decided again');
    assert.match(again.stderr, /denied already/);
  });

  void test('the same signed request sent twice raises one approval; one approval lets one call through; a replay asks again', async () => {
    const signed = await signedCreateRole(s.task.env, 'twin-bot');
    const endpoint = s.task.env.AWS_ENDPOINT_URL!;
    const before = s.upstreamCount('CreateRole');
    const send = (): ReturnType<typeof rawRequest> =>
      rawRequest(endpoint, 'POST', signed.path, signed.headers, signed.body);
    const first = send();
    await s.waitForPending((p) => p.summary.includes('twin-bot'));
    const second = send();
    const a = await s.waitForPending((p) => p.summary.includes('twin-bot') && p.attempts === 2);
    assert.equal((await s.pending()).filter((p) => p.summary.includes('twin-bot')).length, 1);
    assert.equal((await s.gw.cli(['approve', a.approvalId])).code, 0);
    const statuses = (await Promise.all([first, second])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 403]);
    assert.equal(s.upstreamCount('CreateRole'), before + 1);

    // The captured request again, after its approval was used: a new prompt, not a free pass.
    const replay = send();
    const b = await s.waitForPending((p) => p.summary.includes('twin-bot'));
    assert.notEqual(b.approvalId, a.approvalId);
    assert.equal((await s.gw.cli(['deny', b.approvalId])).code, 0);
    assert.equal((await replay).status, 403);
    assert.equal(s.upstreamCount('CreateRole'), before + 1);
  });

  void test('boto3 retrying after its read timeout attaches to the one pending approval and succeeds once approved', async () => {
    const before = s.upstreamCount('CreateRole');
    const run = boto3(
      `from botocore.config import Config
iam = boto3.client('iam', config=Config(read_timeout=2, connect_timeout=2, retries={'max_attempts': 8, 'mode': 'standard'}))
result = iam.create_role(RoleName='retry-bot', AssumeRolePolicyDocument=${JSON.stringify(TRUST_LAMBDA)})['Role']['RoleName']`,
      s.task.env,
    );
    const a = await s.waitForPending((p) => p.summary.includes('retry-bot') && p.attempts >= 2);
    assert.equal((await s.gw.cli(['approve', a.approvalId])).code, 0);
    assert.equal(await run, 'retry-bot');
    assert.equal(s.upstreamCount('CreateRole'), before + 1);
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const raised = journal.filter(
      (e) => e.type === 'approval.requested' && String(e.data.summary).includes('retry-bot'),
    );
    assert.equal(raised.length, 1, 'retries must not raise new approvals');
    const attempts = journal.filter((e) => e.type === 'call.decision' && e.data.approvalId === a.approvalId);
    assert.ok(attempts.length >= 2, 'every attempt is recorded with the approval it waited on');
    assert.equal(attempts.filter((e) => e.data.decision === 'allow').length, 1);
  });

  void test('approve --for-task lets the same action on the same resource through without a prompt, not another resource', async () => {
    const cli = awsV1(
      ['iam', 'create-role', '--role-name', 'grant-bot', '--assume-role-policy-document', TRUST_LAMBDA],
      s.task.env,
    );
    const a = await s.waitForPending((p) => p.summary.includes('grant-bot'));
    assert.equal((await s.gw.cli(['approve', a.approvalId, '--for-task'])).code, 0);
    assert.equal((await cli).code, 0);

    // Same action, same role: straight through to AWS (which refuses a duplicate role).
    const before = s.upstreamCount('CreateRole');
    const again = await awsV1(
      ['iam', 'create-role', '--role-name', 'grant-bot', '--assume-role-policy-document', TRUST_LAMBDA],
      s.task.env,
    );
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /EntityAlreadyExists/);
    assert.equal(s.upstreamCount('CreateRole'), before + 1);
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    assert.equal(
      journal.filter((e) => e.type === 'approval.requested' && String(e.data.summary).includes('grant-bot'))
        .length,
      1,
    );
    const last = journal.filter((e) => e.type === 'call.decision').pop();
    assert.equal(last?.data.approvalId, a.approvalId);
    assert.match(String(last?.data.reason), /approved for the rest of the task/);

    // Another resource: a new prompt.
    const other = awsV1(
      ['iam', 'create-role', '--role-name', 'other-bot', '--assume-role-policy-document', TRUST_LAMBDA],
      s.task.env,
    );
    const b = await s.waitForPending((p) => p.summary.includes('other-bot'));
    assert.notEqual(b.approvalId, a.approvalId);
    assert.equal((await s.gw.cli(['deny', b.approvalId])).code, 0);
    assert.match((await other).stderr, /AccessDenied/);
  });
});
