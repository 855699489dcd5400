import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapToIam } from '../../gateway/aws/iam-map';
import type { Identified } from '../../gateway/aws/types';
import { UNKNOWN_ACCOUNT } from '../../gateway/aws/unknown-account';
import { CallDecider } from '../../gateway/pipeline/decide';
import { loadPolicyText } from '../../gateway/policy-file';
import { compilePolicy, evaluate, type Decision } from '../../gateway/policy';
import type { TaskInfo } from '../../gateway/protocol';

const ACCOUNT = '123456789012';
const V = '2012-10-17';
const prod = (account: string): string => `arn:aws:dynamodb:us-east-1:${account}:table/prod`;

function decide(policy: unknown, resource: string, opts: { matchRestricts?: boolean } = {}): Decision {
  return evaluate(compilePolicy(policy, opts), { action: 'dynamodb:DeleteItem', resource, context: {} })
    .decision;
}

function statement(effect: 'Allow' | 'Deny', resource: string, not = false): unknown {
  return {
    Version: V,
    Statement: [
      { Effect: effect, Action: 'dynamodb:*', [not ? 'NotResource' : 'Resource']: resource },
      // A Deny needs an Allow next to it to show whether the Deny applied.
      ...(effect === 'Deny' ? [{ Effect: 'Allow', Action: '*', Resource: '*' }] : []),
    ],
  };
}

void test('a Deny naming an account applies to a resource whose account is not known yet', () => {
  assert.equal(decide(statement('Deny', prod(ACCOUNT)), prod(UNKNOWN_ACCOUNT)), 'ExplicitDeny');
  assert.equal(
    decide(statement('Deny', 'arn:aws:dynamodb:*:1234*:table/prod'), prod(UNKNOWN_ACCOUNT)),
    'ExplicitDeny',
  );
  // The rest of the ARN still has to match.
  assert.equal(
    decide(statement('Deny', prod(ACCOUNT)), `arn:aws:dynamodb:us-east-1:${UNKNOWN_ACCOUNT}:table/dev`),
    'Allow',
  );
  // And once known, the account itself decides.
  assert.equal(decide(statement('Deny', prod(ACCOUNT)), prod('999999999999')), 'Allow');
  assert.equal(decide(statement('Deny', prod(ACCOUNT)), prod(ACCOUNT)), 'ExplicitDeny');
});

void test('an Allow naming an account does not grant a resource whose account is not known yet', () => {
  assert.equal(decide(statement('Allow', prod(ACCOUNT)), prod(UNKNOWN_ACCOUNT)), 'ImplicitDeny');
  assert.equal(decide(statement('Allow', prod(ACCOUNT)), prod(ACCOUNT)), 'Allow');
});

void test('patterns matching every account, or none, decide the unknown account without guessing', () => {
  for (const any of ['*', '************', '????????????', '*?']) {
    const arn = `arn:aws:dynamodb:us-east-1:${any}:table/prod`;
    assert.equal(decide(statement('Allow', arn), prod(UNKNOWN_ACCOUNT)), 'Allow', any);
    assert.equal(decide(statement('Deny', arn), prod(UNKNOWN_ACCOUNT)), 'ExplicitDeny', any);
  }
  // No 12-digit account matches these: the unknown one does not either, whatever the statement.
  for (const none of ['', 'aws', '12345', '1234567890123', '1234567890123*', '??????????????']) {
    const arn = `arn:aws:dynamodb:us-east-1:${none}:table/prod`;
    assert.equal(decide(statement('Deny', arn), prod(UNKNOWN_ACCOUNT)), 'Allow', none);
    assert.equal(decide(statement('Allow', arn), prod(UNKNOWN_ACCOUNT)), 'ImplicitDeny', none);
  }
});

void test('the marker is matched for what it stands for, never as text', () => {
  const literal = `arn:aws:dynamodb:us-east-1:${UNKNOWN_ACCOUNT}:table/prod`;
  assert.equal(decide(statement('Allow', literal), prod(UNKNOWN_ACCOUNT)), 'ImplicitDeny');
  assert.equal(
    decide(statement('Allow', 'arn:aws:dynamodb:us-east-1:(*:table/prod'), prod(UNKNOWN_ACCOUNT)),
    'ImplicitDeny',
  );
});

void test('NotResource errs closed both ways', () => {
  // Deny everything but prod in ACCOUNT: an unknown account's prod may be another account's, so denied.
  assert.equal(decide(statement('Deny', prod(ACCOUNT), true), prod(UNKNOWN_ACCOUNT)), 'ExplicitDeny');
  assert.equal(decide(statement('Deny', prod(ACCOUNT), true), prod(ACCOUNT)), 'Allow');
  // Allow everything but prod in ACCOUNT: the unknown one may be it, so not granted.
  assert.equal(decide(statement('Allow', prod(ACCOUNT), true), prod(UNKNOWN_ACCOUNT)), 'ImplicitDeny');
  assert.equal(decide(statement('Allow', prod(ACCOUNT), true), prod('999999999999')), 'Allow');
});

void test('in a rule set every match restricts: Allow-shaped rules match the unknown account', () => {
  assert.equal(
    decide(statement('Allow', prod(ACCOUNT)), prod(UNKNOWN_ACCOUNT), { matchRestricts: true }),
    'Allow',
  );
  assert.equal(
    decide(statement('Allow', prod(ACCOUNT), true), prod(UNKNOWN_ACCOUNT), { matchRestricts: true }),
    'Allow',
    'NotResource in a rule: the unknown account is taken as outside the exception',
  );
});

const task: TaskInfo = {
  taskId: 'task-1',
  name: 'cleanup',
  accessKeyId: 'AKIDTASK',
  startedBy: 'alice',
  startedAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-02T00:00:00Z',
  state: 'active',
};

function deleteItem(
  table: string,
  account: string,
): { identified: Identified; mapping: ReturnType<typeof mapToIam> } {
  const identified: Identified = {
    service: 'dynamodb',
    protocol: 'json',
    operation: 'DeleteItem',
    signingName: 'dynamodb',
    region: 'us-east-1',
    iamPrefix: 'dynamodb',
    endpointPrefix: 'dynamodb',
    params: { TableName: table },
  };
  return { identified, mapping: mapToIam(identified, { accountId: account }) };
}

void test('workspace deny and ask rules naming the account decide calls mapped before the account is known', () => {
  const policy = loadPolicyText(
    JSON.stringify({
      denyRules: [
        {
          id: 'no-prod',
          actions: ['dynamodb:DeleteItem'],
          resources: [prod(ACCOUNT)],
          reason: 'prod is read-only',
        },
      ],
      askRules: [
        {
          id: 'ask-staging',
          actions: ['dynamodb:DeleteItem'],
          resources: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/staging`],
          reason: 'staging deletes are checked',
        },
      ],
    }),
    'policy.json',
  );
  const d = new CallDecider(() => policy);
  const at = (table: string, account: string) =>
    d.decide({ task, ...deleteItem(table, account), now: new Date('2026-01-01T12:00:00Z') }).decision;
  assert.equal(at('prod', UNKNOWN_ACCOUNT), 'deny');
  assert.equal(at('staging', UNKNOWN_ACCOUNT), 'ask');
  assert.equal(at('scratch', UNKNOWN_ACCOUNT), 'allow');
  assert.equal(at('prod', '999999999999'), 'allow');
  // A task scope naming the account grants nothing while the account is unknown: asked (outOfScope default).
  const scoped = { ...task, scope: statement('Allow', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`) };
  const inScope = d.decide({ task: scoped, ...deleteItem('scratch', UNKNOWN_ACCOUNT), now: new Date() });
  assert.notEqual(inScope.decision, 'allow');
  assert.equal(
    d.decide({ task: scoped, ...deleteItem('scratch', ACCOUNT), now: new Date() }).decision,
    'allow',
  );
});
