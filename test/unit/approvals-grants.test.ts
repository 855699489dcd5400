import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arnGlobMatches,
  grantPatternProblem,
  suggestedPatterns,
} from '../../gateway/approvals/grant-pattern';
import { grantProblem, TaskGrants } from '../../gateway/approvals/task-grants';

const ROLE = 'arn:aws:iam::123456789012:role/deploy-bot';
const GRANT = { approvalId: 'apr-1', decidedBy: 'bob', decidedAt: '2026-05-01T12:00:00Z' };

void test('glob: * spans any run, ? one character, no wildcard means equal', () => {
  assert.ok(arnGlobMatches('arn:aws:iam::123456789012:role/deploy-*', ROLE));
  assert.ok(arnGlobMatches('arn:aws:iam::123456789012:role/*', ROLE));
  assert.ok(arnGlobMatches('arn:aws:iam::123456789012:role/deploy-bo?', ROLE));
  assert.ok(!arnGlobMatches('arn:aws:iam::123456789012:role/deploy-bo?', `${ROLE}s`));
  assert.ok(!arnGlobMatches('arn:aws:iam::123456789012:role/build-*', ROLE));
  assert.ok(arnGlobMatches(ROLE, ROLE));
  assert.ok(!arnGlobMatches(ROLE, ROLE.toUpperCase()));
  assert.ok(arnGlobMatches('a*b*c', 'aXXbYYc'));
  assert.ok(!arnGlobMatches('a*b*c', 'aXXbYY'));
  // Linear enough on a hostile pattern: returns at once.
  const started = Date.now();
  assert.ok(!arnGlobMatches(`${'*a'.repeat(500)}b`, 'a'.repeat(2000)));
  assert.ok(Date.now() - started < 2000);
});

void test('a pattern may widen only the resource part, after a literal start, and must cover the call', () => {
  assert.equal(grantPatternProblem('arn:aws:iam::123456789012:role/deploy-*', [ROLE]), undefined);
  assert.match(
    grantPatternProblem('arn:aws:iam::*:role/deploy-*', [ROLE]) ?? '',
    /only in the resource part/,
  );
  assert.match(grantPatternProblem('arn:aws:iam::999999999999:role/*', [ROLE]) ?? '', /another/);
  assert.match(grantPatternProblem('arn:aws:iam::123456789012:*', [ROLE]) ?? '', /resource type/);
  assert.match(
    grantPatternProblem('arn:aws:iam::123456789012:role/other', [ROLE]) ?? '',
    /not a resource of this call/,
  );
  assert.match(grantPatternProblem('*', [ROLE]) ?? '', /not an ARN pattern/);
  assert.equal(grantPatternProblem('*', ['*']), undefined);
  const pairs = [{ action: 'iam:CreateRole', resource: ROLE }];
  assert.match(grantProblem(pairs, ['arn:aws:iam::123456789012:role/build-*']) ?? '', /no pattern covers/);
  assert.match(grantProblem([], ['*']) ?? '', /approve it once/);
});

void test('suggested patterns go from this resource to its name prefix to its type', () => {
  assert.deepEqual(suggestedPatterns(ROLE), [
    ROLE,
    'arn:aws:iam::123456789012:role/deploy-*',
    'arn:aws:iam::123456789012:role/*',
  ]);
  assert.deepEqual(suggestedPatterns('arn:aws:s3:::prod-data'), [
    'arn:aws:s3:::prod-data',
    'arn:aws:s3:::prod-*',
  ]);
  assert.deepEqual(suggestedPatterns('*'), ['*']);
  for (const arn of [ROLE, 'arn:aws:s3:::prod-data/logs/a.txt'])
    for (const p of suggestedPatterns(arn)) assert.equal(grantPatternProblem(p, [arn]), undefined, p);
});

void test('a grant covers its actions on its patterns only: not another action, resource outside them, or task', () => {
  const g = new TaskGrants();
  const pairs = [{ action: 'iam:CreateRole', resource: ROLE }];
  g.add('t1', pairs, GRANT, ['arn:aws:iam::123456789012:role/deploy-*']);
  const other = 'arn:aws:iam::123456789012:role/deploy-other';
  assert.equal(g.covering('t1', [{ action: 'IAM:createrole', resource: other }])?.approvalId, 'apr-1');
  assert.deepEqual(g.covering('t1', [{ action: 'iam:CreateRole', resource: other }])?.resources, [
    'arn:aws:iam::123456789012:role/deploy-*',
  ]);
  assert.equal(
    g.covering('t1', [{ action: 'iam:CreateRole', resource: 'arn:aws:iam::123456789012:role/prod' }]),
    undefined,
  );
  assert.equal(g.covering('t1', [{ action: 'iam:DeleteRole', resource: other }]), undefined);
  assert.equal(g.covering('t2', [{ action: 'iam:CreateRole', resource: other }]), undefined);
  // Without patterns: exactly the call's resources.
  g.add('t3', pairs, GRANT);
  assert.ok(g.covering('t3', pairs));
  assert.equal(g.covering('t3', [{ action: 'iam:CreateRole', resource: other }]), undefined);
  assert.throws(() => g.add('t4', pairs, GRANT, ['arn:aws:iam::123456789012:*']), /resource type/);
});

void test('a pair on * (an action without resources) is granted as exactly *, never as "any resource"', () => {
  const g = new TaskGrants();
  g.add('t1', [{ action: 'iam:ListRoles', resource: '*' }], GRANT);
  assert.ok(g.covering('t1', [{ action: 'iam:ListRoles', resource: '*' }]));
  assert.equal(g.covering('t1', [{ action: 'iam:ListRoles', resource: ROLE }]), undefined);
});
