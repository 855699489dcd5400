import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapToIam } from '../../gateway/aws/iam-map';
import type { IamRequirement } from '../../gateway/aws/types';
import type { Verdict } from '../../gateway/pipeline/decide';
import { ACCOUNT, call, decide, decider, task } from './support/policy-decide';
import { call as identified, viaSdk } from './support/iam-map-helpers';

// Redshift snapshots live under their cluster's name, which DeleteClusterSnapshot may leave out
// (AWS documents SnapshotClusterIdentifier as needed only for policies naming the cluster).
const PROD_SNAPSHOTS = 'arn:aws:redshift:*:*:snapshot:prod-*/*';

function redshiftCall(op: string, params: object): ReturnType<typeof call> {
  const requirements: IamRequirement[] = viaSdk('redshift', 'redshift', op, params);
  return {
    identified: identified('redshift', op, params as Record<string, unknown>),
    mapping: { requirements },
  };
}

const deleteProd = (): ReturnType<typeof call> =>
  redshiftCall('DeleteClusterSnapshot', { SnapshotIdentifier: 'nightly' });

const DENY_PROD = {
  id: 'no-prod-snapshots',
  reason: 'prod snapshots stay',
  actions: ['redshift:*'],
  resources: [PROD_SNAPSHOTS],
};
const ASK_PROD = {
  id: 'ask-prod-snapshots',
  reason: 'a DBA decides',
  actions: ['redshift:*'],
  resources: [PROD_SNAPSHOTS],
};
const ASK_DELETES = { id: 'ask-deletes', reason: 'deletes need a human', actions: ['*:Delete*'] };

function policy(rules: { denyRules?: unknown[]; askRules?: unknown[] }): string {
  return JSON.stringify(rules);
}

function asked(v: Verdict): Extract<Verdict, { decision: 'ask' }> {
  assert.equal(v.decision, 'ask', v.reason);
  if (v.decision !== 'ask') throw new Error('unreachable');
  return v;
}

void test('the premise: a snapshot named without its cluster is not placed in an ARN', () => {
  assert.deepEqual(deleteProd().mapping.requirements, [
    { action: 'redshift:DeleteClusterSnapshot', resources: ['*'] },
  ]);
  // With its cluster it is, and a rule on it decides as it stands.
  const placed = redshiftCall('DeleteClusterSnapshot', {
    SnapshotIdentifier: 'nightly',
    SnapshotClusterIdentifier: 'prod-dw',
  });
  assert.deepEqual(placed.mapping.requirements, [
    {
      action: 'redshift:DeleteClusterSnapshot',
      resources: [`arn:aws:redshift:us-east-1:${ACCOUNT}:snapshot:prod-dw/nightly`],
    },
  ]);
  const d = decider(
    policy({
      denyRules: [
        { id: 'no-prod', reason: 'prod stays', actions: ['redshift:*'], resources: [PROD_SNAPSHOTS] },
      ],
    }),
  );
  assert.equal(decide(d, placed).decision, 'deny');
});

void test('a deny rule scoped to resources the gateway cannot place makes the call a question, once', () => {
  const d = decider(
    policy({
      denyRules: [DENY_PROD],
    }),
  );
  const v = asked(decide(d, deleteProd()));
  assert.equal(v.rule.id, 'no-prod-snapshots');
  assert.match(
    v.reason,
    /could not tell which resource redshift:DeleteClusterSnapshot acts on, and deny rule "no-prod-snapshots" forbids it on some resources \(prod snapshots stay\)/,
  );
  assert.equal(v.action, 'redshift:DeleteClusterSnapshot');
  assert.deepEqual(v.resources, ['*']);
  // No grant for the task: the next call may name prod.
  assert.deepEqual(v.pairs, []);
  assert.equal(v.rule.approvers, undefined);
});

void test('a scoped ask rule asks for an unplaced resource, with its approvers, and grants nothing for the task', () => {
  const d = decider(
    policy({
      askRules: [{ ...ASK_PROD, approvers: ['group:dba'] }],
    }),
  );
  const v = asked(decide(d, deleteProd()));
  assert.equal(v.rule.id, 'ask-prod-snapshots');
  assert.deepEqual(v.rule.approvers, ['group:dba']);
  assert.deepEqual(v.pairs, []);
});

void test('an ask rule that applies as it stands keeps its reason, but an unplaced resource takes away the task grant', () => {
  const d = decider(
    policy({
      askRules: [ASK_DELETES, ASK_PROD],
    }),
  );
  const v = asked(decide(d, deleteProd()));
  assert.equal(v.rule.id, 'ask-deletes');
  assert.deepEqual(v.pairs, []);
  // Without the scoped rule the same call is grantable for the task as before.
  const plain = asked(decide(decider(policy({ askRules: [ASK_DELETES] })), deleteProd()));
  assert.deepEqual(plain.pairs, [{ action: 'redshift:DeleteClusterSnapshot', resource: '*' }]);
});

void test('a deny on the unplaced resource outranks an ask rule that applies as it stands', () => {
  const d = decider(
    policy({
      denyRules: [DENY_PROD],
      askRules: [ASK_DELETES],
    }),
  );
  assert.equal(asked(decide(d, deleteProd())).rule.id, 'no-prod-snapshots');
});

void test('what the gateway can tell stays decided: placed resources, actions without resources, rules that do not apply', () => {
  const scoped = (extra: object = {}): string =>
    policy({
      denyRules: [
        {
          id: 'no-prod',
          reason: 'prod stays',
          actions: ['*'],
          resources: [PROD_SNAPSHOTS, `arn:aws:dynamodb:*:*:table/prod`],
          ...extra,
        },
      ],
    });
  // A placed resource the rule does not cover.
  const table = mapToIam(identified('dynamodb', 'DeleteTable', { TableName: 'dev' }), { accountId: ACCOUNT });
  assert.equal(
    decide(decider(scoped()), { identified: identified('dynamodb', 'DeleteTable'), mapping: table }).decision,
    'allow',
  );
  // ...and one it does.
  const prod = mapToIam(identified('dynamodb', 'DeleteTable', { TableName: 'prod' }), { accountId: ACCOUNT });
  assert.equal(
    decide(decider(scoped()), { identified: identified('dynamodb', 'DeleteTable'), mapping: prod }).decision,
    'deny',
  );
  // An action that acts on no named resource: `*` is its resource, not a gap.
  const attrs = redshiftCall('DescribeStorage', {});
  assert.deepEqual(attrs.mapping.requirements, [{ action: 'redshift:DescribeStorage', resources: ['*'] }]);
  assert.equal(decide(decider(scoped()), attrs).decision, 'allow');
  // A rule for someone else, or for another region, does not apply whatever the resource.
  assert.equal(
    decide(decider(scoped({ identities: ['bob'] })), deleteProd(), task({ startedBy: 'alice' })).decision,
    'allow',
  );
  assert.equal(
    decide(
      decider(scoped({ conditions: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } })),
      deleteProd(),
    ).decision,
    'allow',
  );
  // A rule over every resource was already a plain deny.
  assert.equal(decide(decider(scoped({ resources: ['*', PROD_SNAPSHOTS] })), deleteProd()).decision, 'deny');
});

void test('an action whose resources are optional asks only when the request names one it cannot place', () => {
  const d = decider(
    policy({
      denyRules: [
        {
          id: 'no-prod-db',
          reason: 'prod stays',
          actions: ['rds:*'],
          resources: ['arn:aws:rds:*:*:db:prod-*'],
        },
      ],
    }),
  );
  const rds = (op: string, params: Record<string, unknown>): ReturnType<typeof call> => ({
    identified: identified('rds', op, params),
    mapping: { requirements: viaSdk('rds', 'rds', op, params) },
  });
  // Every instance, no particular one: as in IAM, a rule on named instances does not apply.
  assert.equal(decide(d, rds('DescribeDBInstances', {})).decision, 'allow');
  assert.equal(decide(d, rds('DescribeDBInstances', { DBInstanceIdentifier: 'dev-1' })).decision, 'allow');
  assert.equal(decide(d, rds('DescribeDBInstances', { DBInstanceIdentifier: 'prod-1' })).decision, 'deny');
  // Named, but by an ARN of another type: it cannot be placed, so a person decides.
  const odd = `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:prod-1`;
  assert.equal(
    asked(decide(d, rds('DescribeDBInstances', { DBInstanceIdentifier: odd }))).rule.id,
    'no-prod-db',
  );
});

void test("a task scope's deny outranks the question", () => {
  const d = decider(
    policy({
      denyRules: [DENY_PROD],
    }),
  );
  const t = task({
    scope: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'redshift:Describe*', Resource: '*' }],
    },
  });
  const v = decide(d, deleteProd(), t);
  assert.equal(v.decision, 'deny');
});
