/**
 * Deny rules scoped to resources, through the real gateway and the AWS CLI v1, for calls that
 * name their resource by identifier: RDS instances are placed (and lower-cased, as RDS stores
 * them), so a deny rule on `db:prod-*` stops DeleteDBInstance of `Prod-Orders`; a Redshift
 * snapshot named without its cluster cannot be placed, so a deny rule on prod snapshots may
 * apply and a person decides, once (no grant for the task), while AWS has received nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { queryOk } from '../fakes/stubs/shared';
import { guessOperation } from '../fakes/stubs/fallback';
import { awsV1 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { type ApprovalStack, controlFetch, startApprovalStack } from './approvals-helpers';

const POLICY = {
  version: 1,
  denyRules: [
    {
      id: 'no-prod-db',
      reason: 'prod databases are managed by Terraform',
      actions: ['rds:*'],
      resources: ['arn:aws:rds:*:*:db:prod-*'],
    },
    {
      id: 'no-prod-snapshots',
      reason: 'prod snapshots are the backups',
      actions: ['redshift:*'],
      resources: ['arn:aws:redshift:*:*:snapshot:prod-*/*'],
    },
  ],
};

const NAMESPACES: Readonly<Record<string, string>> = {
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
  redshift: 'http://redshift.amazonaws.com/doc/2012-12-01/',
};

void describe('endpoint mode: resource-scoped deny rules on resources named by identifier', () => {
  let s: ApprovalStack;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-unplaced-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify(POLICY));
    s = await startApprovalStack(
      ['--policy', join(dir, 'policy.json'), '--approval-timeout', '45s'],
      undefined,
      undefined,
      {
        canned: (service, req) => {
          const ns = NAMESPACES[service];
          return ns === undefined ? undefined : queryOk(guessOperation(req), ns, '');
        },
      },
    );
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('RDS: the prod instance is refused by name, whatever its case; another instance passes', async () => {
    const del = ['rds', 'delete-db-instance', '--skip-final-snapshot', '--db-instance-identifier'];
    const refused = await awsV1([...del, 'Prod-Orders'], s.task.env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied/);
    assert.match(refused.stderr, /rds:DeleteDBInstance on arn:aws:rds:us-east-1:\d{12}:db:prod-orders/);
    assert.match(refused.stderr, /no-prod-db/);
    assert.equal(s.upstreamCount('DeleteDBInstance'), 0, 'a denied call must not reach AWS');

    const passed = await awsV1([...del, 'dev-orders'], s.task.env);
    assert.equal(passed.code, 0, passed.stderr);
    assert.equal(s.upstreamCount('DeleteDBInstance'), 1);
  });

  void test('Redshift: a snapshot named without its cluster is held for a person, who can approve it once only', async () => {
    const cli = awsV1(
      ['redshift', 'delete-cluster-snapshot', '--snapshot-identifier', 'nightly'],
      s.task.env,
    );
    const a = await s.waitForPending((p) => p.action === 'redshift:DeleteClusterSnapshot');
    assert.equal(a.rule?.id, 'no-prod-snapshots');
    assert.match(
      a.rule?.reason ?? '',
      /could not tell which resource redshift:DeleteClusterSnapshot acts on/,
    );
    assert.deepEqual(a.resources, ['*']);
    assert.equal(a.grantable, false);
    assert.equal(s.upstreamCount('DeleteClusterSnapshot'), 0, 'nothing reaches AWS while a person decides');

    const forTask = await controlFetch(s.gw, `/approvals/${a.approvalId}/decide`, {
      method: 'POST',
      body: JSON.stringify({ decision: 'approve-for-task', decidedBy: 'test' }),
    });
    assert.equal(forTask.status, 400);
    assert.match(JSON.stringify(await forTask.json()), /approve it once/);

    assert.equal(await s.decide(a.approvalId, 'approve-once'), 200);
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.upstreamCount('DeleteClusterSnapshot'), 1);

    // Named with its cluster, the snapshot is placed and the rule decides at once.
    const placed = await awsV1(
      [
        'redshift',
        'delete-cluster-snapshot',
        '--snapshot-identifier',
        'nightly',
        '--snapshot-cluster-identifier',
        'prod-dw',
      ],
      s.task.env,
    );
    assert.notEqual(placed.code, 0);
    assert.match(placed.stderr, /snapshot:prod-dw\/nightly/);
    assert.equal(s.upstreamCount('DeleteClusterSnapshot'), 1);

    // The recording holds the question with the rule that raised it, and the approval that let it through.
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const requested = events.find(
      (e) => e.type === 'approval.requested' && e.data.approvalId === a.approvalId,
    );
    assert.equal(requested?.data.rule.id, 'no-prod-snapshots');
    const allowed = events.find((e) => e.type === 'call.decision' && e.data.approvalId === a.approvalId);
    assert.equal(allowed?.data.decision, 'allow');
  });
});
