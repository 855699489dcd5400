import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApprovalInfo } from '../../gateway/protocol';
import { awsV1 } from '../support/aws-clients';
import { startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { startOidcStack, type OidcStack } from '../support/oidc-stack';

const POLICY = {
  description: 'queue creation is approved by platform admins only',
  askRules: [
    {
      id: 'queues-by-platform',
      reason: 'new queues cost money',
      actions: ['sqs:CreateQueue'],
      approvers: ['group:platform-admins'],
    },
  ],
};

void describe('OIDC mode: who may approve, and who did', () => {
  let s: OidcStack;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-approvers-'));
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify(POLICY));
    s = await startOidcStack({
      policyFile,
      idp: {
        users: [
          { sub: 'alice', email: 'alice@example.test', groups: ['platform-admins'] },
          { sub: 'bob', email: 'bob@example.test', groups: ['developers'] },
        ],
      },
    });
  });
  after(async () => {
    await s?.close();
    await rm(dir, { recursive: true, force: true });
  });

  void test('a user outside the approvers is told who can approve; an approver approves and is recorded', async () => {
    assert.equal((await s.login('bob')).code, 0);
    const task = await startTask(s.gw, ['--name', 'make a queue']);
    const call = awsV1(['sqs', 'create-queue', '--queue-name', 'jobs'], task.env);
    let pending: ApprovalInfo[] = [];
    for (let i = 0; i < 80 && pending.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pending = JSON.parse((await s.gw.cli(['approvals', '--json'])).stdout) as ApprovalInfo[];
    }
    const held = pending[0]!;
    assert.equal(held.identity, 'bob@example.test');
    assert.deepEqual(held.rule?.approvers, ['group:platform-admins']);

    const listed = await s.gw.cli(['approvals']);
    assert.match(listed.stdout, /only group:platform-admins may approve \(anyone may deny\)/);
    const refused = await s.gw.cli(['approve', held.approvalId]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Only group:platform-admins may approve what rule "queues-by-platform" holds; you are signed in as bob@example\.test \(groups: developers\)/,
    );

    assert.equal((await s.login('alice')).code, 0);
    const ok = await s.gw.cli(['approve', held.approvalId, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const decided = JSON.parse(ok.stdout) as ApprovalInfo;
    assert.equal(decided.decidedBy, 'alice@example.test');
    assert.equal(decided.decidedByIdentity?.subject, 'alice');
    const r = await call;
    assert.equal(r.code, 0, r.stderr);

    const events = await readJournalEvents(s.gw.dataDir, task.taskId);
    const d = events.find((e) => e.type === 'approval.decided')!;
    assert.equal(d.data.decidedBy, 'alice@example.test');
    assert.deepEqual(d.data.decidedByIdentity.groups, ['platform-admins']);
    assert.equal(events.find((e) => e.type === 'task.started')!.data.identity.subject, 'bob');
  });
});
