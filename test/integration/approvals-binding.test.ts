import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import { agentShellEnv, awsV1, run } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { rawRequest } from '../support/signed-request';
import { type ApprovalStack, startApprovalStack } from './approvals-helpers';
import { type FlakyUpstream, startFlakyUpstream } from './flaky-upstream';
import { signedPut, unsignedPut } from './s3-put-requests';

const POLICY = {
  version: 1,
  outOfScope: 'deny',
  approvalTimeoutSeconds: 60,
  denyRules: [],
  askRules: [
    {
      id: 'ask-held-uploads',
      reason: 'uploads under held/ are reviewed before they land',
      actions: ['s3:PutObject'],
      resources: ['arn:aws:s3:::uploads/held/*'],
    },
  ],
};

const ALL_USERS = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"';

const forKey =
  (key: string) =>
  (a: ApprovalInfo): boolean =>
    a.resources.some((r) => r.endsWith(`uploads/${key}`));

void describe('approvals cover exactly the request that was shown', () => {
  let s: ApprovalStack;
  let hop: FlakyUpstream | undefined;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-binding-'));
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify(POLICY));
    s = await startApprovalStack(['--policy', policyFile], ['--name', 'binding task'], async (fakeUrl) => {
      hop = await startFlakyUpstream({
        target: fakeUrl,
        fails: (method, path) => method === 'PUT' && path.includes('/held/flaky.txt'),
        failFirst: 1,
      });
      return hop;
    });
    const mb = await awsV1(['s3api', 'create-bucket', '--bucket', 'uploads'], s.task.env);
    assert.equal(mb.code, 0, mb.stderr);
  });
  after(async () => {
    await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const putsOf = (key: string) =>
    s.fake.received.filter(
      (c) => c.method === 'PUT' && c.path.includes(`/uploads/${key}`) && c.backendReached,
    );

  void test('a retry with an added unsigned x-amz-grant-read waits for its own decision; approve-once releases only the shown request', async () => {
    const endpoint = s.task.env.AWS_ENDPOINT_URL!;
    const signed = await signedPut(s.task.env, 'held/a.txt', 'quarterly numbers');
    const shown = rawRequest(endpoint, 'PUT', signed.path, signed.headers, 'quarterly numbers');
    const a = await s.waitForPending(forKey('held/a.txt'));
    assert.equal(a.params.GrantRead, undefined, 'the approver is shown a private upload');

    // Same signature, same body, plus a header the agent did not sign.
    const sneaky = rawRequest(
      endpoint,
      'PUT',
      signed.path,
      { ...signed.headers, 'x-amz-grant-read': ALL_USERS },
      'quarterly numbers',
    );
    const b = await s.waitForPending((p) => forKey('held/a.txt')(p) && p.approvalId !== a.approvalId);
    assert.equal(b.params.GrantRead, ALL_USERS, 'its own approval shows the grant');
    const pending = (await s.pending()).filter(forKey('held/a.txt'));
    assert.equal(pending.length, 2);
    assert.equal(pending.find((p) => p.approvalId === a.approvalId)?.attempts, 1, 'the retry did not attach');

    const approved = await s.gw.cli(['approve', a.approvalId]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /through airlock-cli approve pid=\d+/);
    assert.equal((await shown).status, 200);
    assert.deepEqual(
      (await s.pending()).map((p) => p.approvalId),
      [b.approvalId],
      'the retry with the grant still waits',
    );
    const landed = putsOf('held/a.txt');
    assert.equal(landed.length, 1);
    assert.equal(landed[0]?.headers['x-amz-grant-read'], undefined, 'AWS never saw the grant');

    // Denied from a raw control-API client that does not name itself.
    assert.equal(await s.decide(b.approvalId, 'deny'), 200);
    assert.equal((await sneaky).status, 403);
    assert.equal(putsOf('held/a.txt').length, 1);
    assert.ok(s.fake.received.every((c) => c.headers['x-amz-grant-read'] === undefined));

    // The same grant with its own approval given: now, and only now, it reaches AWS.
    const signedB = await signedPut(s.task.env, 'held/b.txt', 'public notes');
    const granted = rawRequest(
      endpoint,
      'PUT',
      signedB.path,
      { ...signedB.headers, 'x-amz-grant-read': ALL_USERS },
      'public notes',
    );
    const c = await s.waitForPending(forKey('held/b.txt'));
    assert.equal(c.params.GrantRead, ALL_USERS);
    assert.equal(putsOf('held/b.txt').length, 0);
    assert.equal((await s.gw.cli(['approve', c.approvalId])).code, 0);
    assert.equal((await granted).status, 200);
    assert.equal(putsOf('held/b.txt')[0]?.headers['x-amz-grant-read'], ALL_USERS);

    // The journal names who decided each, through which client and process.
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const decided = (id: string) =>
      journal.find((e) => e.type === 'approval.decided' && e.data.approvalId === id)?.data as
        | { decidedBy: string; client?: { declared: string; process?: { pid: number; command: string } } }
        | undefined;
    const byCli = decided(a.approvalId);
    assert.match(byCli?.decidedBy ?? '', /\(cli\)$/);
    assert.match(byCli?.client?.declared ?? '', /^airlock-cli approve pid=\d+ ppid=\d+ tty=\S+ user=\S+$/);
    assert.match(byCli?.client?.process?.command ?? '', /airlock(\.js)? approve apr-/);
    assert.equal(
      byCli?.client?.declared.match(/pid=(\d+)/)?.[1],
      String(byCli?.client?.process?.pid),
      'the process the CLI claims is the one the kernel names',
    );
    const raw = decided(b.approvalId);
    assert.equal(raw?.client?.declared, 'unknown client');
    assert.equal(raw?.client?.process?.pid, process.pid, 'the raw client was this test process');
    assert.equal(a.bodyBinding?.kind, 'sha256', 'the approval binds the bytes');
    const requested = journal.find(
      (e) => e.type === 'approval.requested' && e.data.approvalId === a.approvalId,
    );
    assert.equal(requested?.data.bodyBinding?.kind, 'sha256');

    // `airlock show` shows the decider's client with the decision.
    const shownLog = await s.gw.cli(['show', s.task.taskId]);
    assert.equal(shownLog.code, 0, shownLog.stderr);
    const line = shownLog.stdout
      .split('\n')
      .find((l) => l.includes('approval.decided') && l.includes(a.approvalId));
    assert.match(line ?? '', /"declared":"airlock-cli approve pid=\d+/);
  });

  void test('AWS answers the approved PutObject 500 once: the AWS CLI retries it on the same approval, no second prompt', async () => {
    const file = join(dir, 'flaky.txt');
    await writeFile(file, 'written once, retried once');
    const env = { ...agentShellEnv(s.task.env), AWS_MAX_ATTEMPTS: '3' };
    const cli = run(
      'aws',
      [
        's3api',
        'put-object',
        '--bucket',
        'uploads',
        '--key',
        'held/flaky.txt',
        '--body',
        file,
        '--output',
        'json',
      ],
      env,
    );
    const a = await s.waitForPending(forKey('held/flaky.txt'));
    assert.equal((await s.gw.cli(['approve', a.approvalId])).code, 0);
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await s.pending(), [], 'the retry raised no new approval');

    const atHop = (hop?.seen ?? []).filter((h) => h.method === 'PUT' && h.path.includes('/held/flaky.txt'));
    assert.deepEqual(
      atHop.map((h) => h.failed),
      [true, false],
      'AWS failed the approved attempt, then got the retry',
    );
    assert.equal(putsOf('held/flaky.txt').length, 1);

    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    assert.equal(
      journal.filter(
        (e) => e.type === 'approval.requested' && String(e.data.resources).includes('held/flaky.txt'),
      ).length,
      1,
    );
    const decisions = journal.filter((e) => e.type === 'call.decision' && e.data.approvalId === a.approvalId);
    assert.equal(decisions.length, 2);
    assert.equal(decisions[0]?.data.decision, 'allow');
    assert.equal(decisions[0]?.data.retryOf, undefined);
    assert.equal(decisions[1]?.data.decision, 'allow');
    assert.deepEqual(decisions[1]?.data.retryOf, {
      callId: decisions[0]?.data.callId,
      failure: 'HTTP 500 InternalError',
      retry: 1,
    });
    assert.match(
      String(decisions[1]?.data.reason),
      /retry 1 of call .* which AWS failed \(HTTP 500 InternalError\)/,
    );
    const responses = journal.filter(
      (e) => e.type === 'call.response' && decisions.some((d) => d.data.callId === e.data.callId),
    );
    assert.deepEqual(
      responses.map((e) => e.data.status),
      [500, 200],
    );

    // Spent: the same upload again is asked about again.
    const again = run(
      'aws',
      [
        's3api',
        'put-object',
        '--bucket',
        'uploads',
        '--key',
        'held/flaky.txt',
        '--body',
        file,
        '--output',
        'json',
      ],
      env,
    );
    const b = await s.waitForPending(forKey('held/flaky.txt'));
    assert.notEqual(b.approvalId, a.approvalId);
    assert.equal(await s.decide(b.approvalId, 'deny'), 200);
    assert.notEqual((await again).code, 0);
  });
  void test('unsigned uploads: the approval binds the declared length (retries attach, the approver is told); with no length each attempt is asked about alone', async () => {
    const first = unsignedPut(s.task.env, 'held/unsigned.bin', 'twelve bytes', false);
    const a = await s.waitForPending(forKey('held/unsigned.bin'));
    assert.deepEqual(a.bodyBinding, { kind: 'declared-length', bytes: 12 });
    const listed = await s.gw.cli(['approvals']);
    assert.match(
      listed.stdout,
      /its 12-byte body is streamed unsigned: approving binds its length and checksums, not its content/,
    );
    const retry = unsignedPut(s.task.env, 'held/unsigned.bin', 'twelve bytes', false);
    await s.waitForPending((p) => p.approvalId === a.approvalId && p.attempts === 2);
    // A different length is a different upload.
    const longer = unsignedPut(s.task.env, 'held/unsigned.bin', 'thirteen bytes', false);
    const b = await s.waitForPending((p) => forKey('held/unsigned.bin')(p) && p.approvalId !== a.approvalId);
    assert.deepEqual(b.bodyBinding, { kind: 'declared-length', bytes: 14 });
    assert.equal(await s.decide(a.approvalId, 'approve-once'), 200);
    assert.deepEqual((await Promise.all([first, retry])).map((r) => r.status).sort(), [200, 403]);
    assert.equal(await s.decide(b.approvalId, 'deny'), 200);
    assert.equal((await longer).status, 403);
    assert.equal(putsOf('held/unsigned.bin').length, 1);

    // Chunked, no length: two byte-identical attempts are two approvals.
    const c1 = unsignedPut(s.task.env, 'held/chunked.bin', 'streamed', true);
    const c2 = unsignedPut(s.task.env, 'held/chunked.bin', 'streamed', true);
    for (let i = 0; i < 100 && (await s.pending()).filter(forKey('held/chunked.bin')).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    const chunked = (await s.pending()).filter(forKey('held/chunked.bin'));
    assert.equal(chunked.length, 2);
    assert.ok(chunked.every((p) => p.bodyBinding?.kind === 'per-attempt' && p.attempts === 1));
    for (const p of chunked) assert.equal(await s.decide(p.approvalId, 'deny'), 200);
    assert.deepEqual(
      (await Promise.all([c1, c2])).map((r) => r.status),
      [403, 403],
    );
  });
});
