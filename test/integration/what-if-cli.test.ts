import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { JournalEvent } from '../../gateway/journal/events';
import type { ApprovalInfo } from '../../gateway/protocol';
import { collectCalls } from '../../gateway/review/session-calls';
import type { TaskReview } from '../../gateway/review/task-review';
import type { WhatIfResult } from '../../gateway/review/what-if';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { type Stack, startStack } from '../support/stack';
import { controlFetch } from './approvals-helpers';
import { prepareResources, runSteps, SESSION_SCOPE, sessionFiles, sessionSteps } from './review-session';

const PROPOSED_POLICY = {
  denyRules: [
    { id: 'no-secrets', reason: 'secrets stay with humans', actions: ['secretsmanager:GetSecretValue'] },
  ],
  askRules: [{ id: 'writes', reason: 'writes need a look', actions: ['dynamodb:PutItem', 's3:PutObject'] }],
};

/** The session's scope without SQS: the queue calls fall outside it. */
const NARROWER_SCOPE = {
  ...SESSION_SCOPE,
  Statement: SESSION_SCOPE.Statement.filter((st) => st.Sid !== 'Queues'),
};

/** Every call of a live task, in order: what the gateway judged it (allow, deny, ask). */
async function liveVerdicts(gw: GatewayProcess, taskId: string): Promise<[string | undefined, string][]> {
  const events = (await readJournalEvents(gw.dataDir, taskId)) as unknown as JournalEvent[];
  return collectCalls(events).calls.map((c) => [c.request.operation, c.verdict]);
}

/** Answers every approval the gateway raises: approves uploads once, denies everything else. */
function answerApprovals(gw: GatewayProcess): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await controlFetch(gw, '/approvals');
      for (const a of ((await r.json()) as { approvals: ApprovalInfo[] }).approvals) {
        const decision = a.action === 's3:PutObject' ? 'approve-once' : 'deny';
        await controlFetch(gw, `/approvals/${a.approvalId}/decide`, {
          method: 'POST',
          body: JSON.stringify({ decision, decidedBy: 'reviewer' }),
        });
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * `airlock what-if` re-decides a recorded session with the gateway's own decider; a live gateway
 * running the same commands under the proposed policy (or scope) must judge every call the same.
 */
void describe('what-if agrees with a live gateway', () => {
  let s: Stack;
  let files: Awaited<ReturnType<typeof sessionFiles>>;
  let task: StartedTask;
  let policyFile: string;
  let narrowerFile: string;
  before(async () => {
    s = await startStack();
    files = await sessionFiles();
    policyFile = join(files.dir, 'proposed-policy.json');
    narrowerFile = join(files.dir, 'narrower-scope.json');
    await writeFile(policyFile, JSON.stringify(PROPOSED_POLICY));
    await writeFile(narrowerFile, JSON.stringify(NARROWER_SCOPE));
    await prepareResources(s.task.env);
    task = await startTask(s.gw, ['--name', 'quarterly report', '--scope', files.scope]);
    await runSteps(sessionSteps(files.body), task.env, s.fake);
  });
  after(async () => {
    await s?.close();
    await files?.cleanup();
  });

  const whatIf = async (args: string[]): Promise<WhatIfResult> => {
    const r = await s.gw.cli(['what-if', ...args, task.taskId, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as WhatIfResult;
  };

  void test('--policy: the diff names each changed call and the rule that now decides it', async () => {
    const r = await s.gw.cli(['what-if', '--policy', policyFile, task.taskId]);
    assert.equal(r.code, 0, r.stderr);
    const changes = r.stdout.split('\n').filter((l) => l.startsWith('- ') || l.startsWith('+ '));
    assert.deepEqual(
      changes.map((l) => l.replace(/ {2}Airlock.*|(?<=\(rule: [^)]*\)) {2}.*/, '')),
      [
        '- allow  s3:PutObject on arn:aws:s3:::reviews/reports/a.txt',
        '+ ask  s3:PutObject on arn:aws:s3:::reviews/reports/a.txt  (rule: writes)',
        '- allow  s3:PutObject on arn:aws:s3:::reviews/reports/b.txt',
        '+ ask  s3:PutObject on arn:aws:s3:::reviews/reports/b.txt  (rule: writes)',
        `- allow  dynamodb:PutItem on arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/orders`,
        `+ ask  dynamodb:PutItem on arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/orders  (rule: writes)`,
        `- allow  secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:${s.fake.accountId}:secret:${s.fake.planted.secretName}-??????`,
        `+ deny  secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:${s.fake.accountId}:secret:${s.fake.planted.secretName}-??????  (rule: no-secrets)`,
      ],
    );
    assert.match(r.stdout, /\n4 of 12 calls would be decided differently\n$/);
    // --all: every local task, this one among them with the same changes.
    const all = await s.gw.cli(['what-if', '--policy', policyFile, '--all', '--json']);
    assert.equal(all.code, 0, all.stderr);
    const everything = JSON.parse(all.stdout) as WhatIfResult;
    assert.equal(everything.changed.filter((c) => c.session === task.taskId).length, 4);
    assert.ok(everything.calls > 12);
  });

  void test('--policy: a live gateway under the proposed policy decides every call as predicted', async () => {
    const predicted = await whatIf(['--policy', policyFile]);
    const gw2 = await startGatewayProcess({
      upstream: s.fake.url,
      credentials: s.fake.credentials,
      args: ['--account-id', s.fake.accountId, '--policy', policyFile],
    });
    try {
      const live = await startTask(gw2, ['--name', 'quarterly report', '--scope', files.scope]);
      const answering = answerApprovals(gw2);
      try {
        await runSteps(sessionSteps(files.body), live.env, s.fake);
      } finally {
        await answering.stop();
      }
      const recorded = await recordedOps();
      assert.deepEqual(
        await liveVerdicts(gw2, live.taskId),
        predicted.verdicts.map((v, i) => [recorded[i], v.verdict]),
      );
      // Who decided the held calls, and when, is part of the live task's review.
      const review = JSON.parse((await gw2.cli(['review', live.taskId, '--json'])).stdout) as TaskReview;
      assert.deepEqual(
        review.judged.map((j) => [j.action, j.verdict, j.outcome, j.rule, j.decidedBy]),
        [
          ['s3:PutObject', 'ask', 'allowed', 'writes', 'reviewer'],
          ['s3:PutObject', 'ask', 'allowed', 'writes', 'reviewer'],
          ['dynamodb:PutItem', 'ask', 'denied', 'writes', 'reviewer'],
          ['secretsmanager:GetSecretValue', 'deny', 'denied', 'no-secrets', 'gateway'],
          ['dynamodb:DeleteTable', 'deny', 'denied', 'scope', 'gateway'],
        ],
      );
      assert.ok(review.judged.slice(0, 2).every((j) => j.decidedAt && j.decidedAt >= j.ts));
    } finally {
      await gw2.dispose();
    }
  });

  void test('--scope: a narrower scope, predicted and then run live, refuses the same calls', async () => {
    const missing = await s.gw.cli([
      'what-if',
      '--scope',
      narrowerFile,
      '--policy',
      join(files.dir, 'none.json'),
      task.taskId,
    ]);
    assert.equal(missing.code, 1, 'a missing policy file is an error, never the default');
    assert.match(missing.stderr, /none\.json.*no such file/);
    const permissive = join(files.dir, 'permissive.json');
    await writeFile(permissive, JSON.stringify({ description: 'no rules' }));
    const result = await whatIf(['--scope', narrowerFile, '--policy', permissive]);
    assert.deepEqual(
      result.changed.map((c) => [c.action, c.from, c.to, c.toRule]),
      [
        ['sqs:GetQueueUrl', 'allow', 'deny', 'scope'],
        ['sqs:SendMessage', 'allow', 'deny', 'scope'],
      ],
    );
    const live = await startTask(s.gw, ['--name', 'quarterly report', '--scope', narrowerFile]);
    await runSteps(sessionSteps(files.body), live.env, s.fake);
    assert.deepEqual(
      await liveVerdicts(s.gw, live.taskId),
      (await recordedOps()).map((op, i) => [op, result.verdicts[i]?.verdict]),
    );
  });

  void test('--scope on a bundle: decided under the workspace policy the bundle recorded, not the local one', async () => {
    const gw2 = await startGatewayProcess({
      upstream: s.fake.url,
      credentials: s.fake.credentials,
      args: ['--account-id', s.fake.accountId, '--policy', policyFile],
    });
    const file = join(files.dir, 'recorded-under-proposed.airlock');
    try {
      const recorded = await startTask(gw2, ['--name', 'quarterly report', '--scope', files.scope]);
      const answering = answerApprovals(gw2);
      try {
        await runSteps(sessionSteps(files.body), recorded.env, s.fake);
      } finally {
        await answering.stop();
      }
      const ex = await gw2.cli(['export', recorded.taskId, '-o', file]);
      assert.equal(ex.code, 0, ex.stderr);
    } finally {
      await gw2.dispose();
    }
    // The local gateway runs the default policy (no deny or ask rule for these calls); the bundle
    // says writes were asked for and secrets refused, and only the scope is proposed here.
    const r = await s.gw.cli(['what-if', '--scope', narrowerFile, file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as WhatIfResult;
    assert.deepEqual(
      result.changed.map((c) => [c.action, c.from, c.to, c.toRule]),
      [
        ['sqs:GetQueueUrl', 'allow', 'deny', 'scope'],
        ['sqs:SendMessage', 'allow', 'deny', 'scope'],
      ],
    );
    assert.deepEqual(
      result.verdicts.filter((v) => v.verdict !== 'allow').length,
      7,
      'the writes still asked for, the secret and the out-of-scope calls still refused',
    );
    assert.match(r.stderr, /deciding with the workspace policy the bundle recorded/);
  });

  const recordedOps = async (): Promise<(string | undefined)[]> =>
    collectCalls((await readJournalEvents(s.gw.dataDir, task.taskId)) as unknown as JournalEvent[]).calls.map(
      (c) => c.request.operation,
    );
});
