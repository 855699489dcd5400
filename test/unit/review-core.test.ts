import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventBody, JournalEvent } from '../../gateway/journal/events';
import { defaultPolicy, loadPolicyText } from '../../gateway/policy-file';
import { generaliseResource } from '../../gateway/review/generalise';
import { reviewMarkdown } from '../../gateway/review/review-markdown';
import { collectCalls } from '../../gateway/review/session-calls';
import { suggestPolicy } from '../../gateway/review/suggest-policy';
import { reviewTask } from '../../gateway/review/task-review';
import { verifySuggestion } from '../../gateway/review/verify-suggestion';
import { whatIf } from '../../gateway/review/what-if';

const ACCOUNT = '111122223333';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;

/** A journal's events for the core (chain fields are the journal's business, not the review's). */
function journal(bodies: EventBody[]): JournalEvent[] {
  return bodies.map((b, i) => ({
    ...b,
    v: 2,
    task: 't-1',
    seq: i + 1,
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    prev: '',
    hash: '',
  }));
}

function request(
  callId: string,
  operation: string | undefined,
  action: string,
  resources: string[],
): EventBody {
  return {
    type: 'call.request',
    data: {
      callId,
      arrival: 'endpoint',
      identity: 'ana',
      accessKeyId: 'AKIDTASK',
      method: 'POST',
      target: '/',
      service: action.split(':')[0] ?? '',
      region: 'us-east-1',
      operation,
      protocol: 'json',
      actions: [{ action, resources }],
      params: {},
    },
  };
}

function decision(callId: string, d: 'allow' | 'deny', rule?: string, approvalId?: string): EventBody {
  return { type: 'call.decision', data: { callId, decision: d, reason: `${d} because`, rule, approvalId } };
}

const started: EventBody = {
  type: 'task.started',
  data: {
    taskId: 't-1',
    name: 'orders fix',
    accessKeyId: 'AKIDTASK',
    startedBy: 'ana',
    agent: 'claude',
    expiresAt: '2026-01-01T01:00:00.000Z',
    scope: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Rw', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE },
        {
          Sid: 'EuOnly',
          Effect: 'Allow',
          Action: 'dynamodb:Scan',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
        { Sid: 'NotIam', Effect: 'Allow', NotAction: 'iam:*', Resource: `arn:aws:sqs:*:${ACCOUNT}:*` },
      ],
    },
  },
};

function approval(callId: string, approvalId: string, rule: string): EventBody {
  return {
    type: 'approval.requested',
    data: {
      approvalId,
      callId,
      identity: 'ana',
      service: 'dynamodb',
      action: 'dynamodb:PutItem',
      resources: [TABLE],
      summary: 'put',
      params: {},
      rule: { id: rule, reason: 'writes | need a look' },
      expiresAt: '2026-01-01T00:10:00.000Z',
      timeoutSeconds: 50,
    },
  };
}

const session = journal([
  started,
  request('c1', 'GetItem', 'dynamodb:GetItem', [TABLE]),
  decision('c1', 'allow'),
  request('c2', 'PutItem', 'dynamodb:PutItem', [TABLE]),
  approval('c2', 'a1', 'writes'),
  {
    type: 'approval.decided',
    data: {
      approvalId: 'a1',
      decision: 'approve-for-task',
      decidedBy: 'bob',
      client: { declared: 'airlock-vscode' },
      waitedMs: 900,
      attempts: 1,
    },
  },
  decision('c2', 'allow', 'writes', 'a1'),
  // Rides on bob's approve-for-task grant: asked, never prompted again.
  request('c3', 'PutItem', 'dynamodb:PutItem', [TABLE]),
  decision('c3', 'allow', 'writes', 'a1'),
  request('c4', 'Scan', 'dynamodb:Scan', []),
  decision('c4', 'deny', 'scope'),
  request('c5', 'PutItem', 'dynamodb:PutItem', [TABLE]),
  approval('c5', 'a2', 'writes'),
  { type: 'approval.expired', data: { approvalId: 'a2', timeoutSeconds: 50, waitedMs: 50_000, attempts: 1 } },
  decision('c5', 'deny', 'writes', 'a2'),
  request('c6', undefined, 'dynamodb:Unknown', []),
  decision('c6', 'allow', 'unknown-operation'),
  { type: 'call.error', data: { code: 'SignatureDoesNotMatch', message: 'bad' } },
]);

void describe('review core on recorded events', () => {
  void test('calls gather their approvals: who decided, grants ridden, expiries', () => {
    const calls = collectCalls(session).calls;
    assert.deepEqual(
      calls.map((c) => [c.callId, c.verdict, c.outcome]),
      [
        ['c1', 'allow', 'allowed'],
        ['c2', 'ask', 'allowed'],
        ['c3', 'ask', 'allowed'],
        ['c4', 'deny', 'denied'],
        ['c5', 'ask', 'denied'],
        ['c6', 'allow', 'allowed'],
      ],
    );
    const review = reviewTask(collectCalls(session));
    assert.deepEqual(
      review.judged.map((j) => [j.callId, j.rule, j.decidedBy, j.decidedVia, j.decidedAt]),
      [
        ['c2', 'writes', 'bob', 'airlock-vscode', '2026-01-01T00:00:05.000Z'],
        ['c3', 'writes', 'bob', 'airlock-vscode', '2026-01-01T00:00:05.000Z'],
        ['c4', 'scope', 'gateway', undefined, '2026-01-01T00:00:10.000Z'],
        ['c5', 'writes', 'timeout', undefined, '2026-01-01T00:00:13.000Z'],
      ],
    );
    assert.deepEqual(review.identity, { startedBy: 'ana', agent: 'claude', callIdentities: ['ana'] });
    assert.deepEqual(review.refused, [{ code: 'SignatureDoesNotMatch', count: 1 }]);
    assert.equal(review.totals.unidentified, 1);
  });

  void test('grant usage is decided by the evaluator: conditions and NotAction count', () => {
    const review = reviewTask(collectCalls(session));
    assert.deepEqual(
      review.scope.grants.map((g) => [g.statement, g.action, g.resource, g.matched, g.calls]),
      [
        ['Rw', 'dynamodb:GetItem', TABLE, 1, 1],
        ['Rw', 'dynamodb:PutItem', TABLE, 2, 2],
        // The Scan was made in us-east-1; the grant only holds in eu-west-1.
        ['EuOnly', 'dynamodb:Scan', '*', 0, 0],
        ['NotIam', 'NotAction: iam:*', `arn:aws:sqs:*:${ACCOUNT}:*`, 0, 0],
      ],
    );
    assert.deepEqual(
      review.outsideScope.map((o) => [o.callId, o.action, o.scopeDecision]),
      [['c4', 'dynamodb:Scan', 'ImplicitDeny']],
    );
  });

  void test('a conditional grant is used only when its condition held for the call', () => {
    const scan = (callId: string, region: string): EventBody[] => {
      const r = request(callId, 'Scan', 'dynamodb:Scan', []);
      return [{ ...r, data: { ...(r.data as object), region } } as EventBody, decision(callId, 'allow')];
    };
    const grants = reviewTask(collectCalls(journal([started, ...scan('e1', 'us-east-1')]))).scope.grants;
    assert.equal(grants.find((g) => g.statement === 'EuOnly')?.matched, 0);
    const eu = reviewTask(collectCalls(journal([started, ...scan('e2', 'eu-west-1')]))).scope.grants;
    assert.equal(eu.find((g) => g.statement === 'EuOnly')?.matched, 1);
  });

  void test('a suggestion that would reopen a refused call fails the check, naming the call and rule', () => {
    const sessions = [collectCalls(session)];
    const s = suggestPolicy(sessions);
    assert.deepEqual(s.policy.Statement, [
      {
        Sid: 'DynamodbAccess',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: [TABLE],
      },
    ]);
    assert.deepEqual(
      s.leftOut.map((l) => l.callId),
      ['c6'],
    );
    const check = verifySuggestion(s.policy, sessions);
    // c5's PutItem was refused (the approval expired), yet c2 and c3 made the same call allowed.
    assert.deepEqual(
      check.violations.map((v) => [v.callId, v.kind, v.action, v.recordedRule]),
      [['c5', 'now-allowed', 'dynamodb:PutItem', 'writes']],
    );
    assert.deepEqual([check.checkedAllowed, check.checkedDenied], [3, 2]);
  });

  void test('an action that names no resource needs `*`, which covers every other resource of it', () => {
    const s = suggestPolicy([
      collectCalls(
        journal([
          started,
          request('a', 'ListTables', 'dynamodb:ListTables', []),
          decision('a', 'allow'),
          request('b', 'ListTables', 'dynamodb:ListTables', [TABLE]),
          decision('b', 'allow'),
        ]),
      ),
    ]);
    assert.deepEqual(s.policy.Statement, [
      { Sid: 'DynamodbAccess', Effect: 'Allow', Action: ['dynamodb:ListTables'], Resource: ['*'] },
    ]);
    assert.equal(s.counts.wildcardResources, 1);
  });

  void test('generalising names keeps partition, service, region, account and resource type', () => {
    const cases: [string, string][] = [
      ['arn:aws:s3:::bucket', 'arn:aws:s3:::*'],
      ['arn:aws:s3:::bucket/a/b.txt', 'arn:aws:s3:::*/*'],
      [TABLE, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`],
      [`${TABLE}/index/byDate`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`],
      [
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn:live`,
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`,
      ],
      [`arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`, `arn:aws:sqs:us-east-1:${ACCOUNT}:*`],
      ['*', '*'],
    ];
    for (const [arn, want] of cases) assert.equal(generaliseResource(arn, ['names']), want, arn);
    assert.equal(generaliseResource(TABLE, []), TABLE);
  });

  void test('what-if decides with the real decider: a deny rule, an ask rule, the scope', () => {
    const policy = loadPolicyText(
      JSON.stringify({
        denyRules: [{ id: 'no-reads', reason: 'no', actions: ['dynamodb:GetItem'] }],
        askRules: [{ id: 'scan-check', reason: 'look', actions: ['dynamodb:Scan'] }],
      }),
      'proposed.json',
    );
    const r = whatIf([collectCalls(session)], { policy });
    assert.deepEqual(
      r.changed.map((c) => [c.callId, c.from, c.to, c.toRule]),
      [
        ['c1', 'allow', 'deny', 'no-reads'],
        // Out of scope is refused before ask rules are read (outOfScope: deny).
        ['c2', 'ask', 'allow', undefined],
        ['c3', 'ask', 'allow', undefined],
        ['c5', 'ask', 'allow', undefined],
        // Unidentified: `dynamodb:Unknown` is outside any scope that does not grant dynamodb:*.
        ['c6', 'allow', 'deny', 'scope'],
      ],
    );
    // A scope granting the whole service: the Scan is allowed, the unidentified call goes to a human.
    const wide = whatIf([collectCalls(session)], {
      policy: defaultPolicy(),
      scope: {
        scope: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
        },
      },
    });
    assert.deepEqual(
      wide.changed.map((c) => [c.callId, c.from, c.to, c.toRule]),
      [
        ['c2', 'ask', 'allow', undefined],
        ['c3', 'ask', 'allow', undefined],
        ['c4', 'deny', 'allow', undefined],
        ['c5', 'ask', 'allow', undefined],
        ['c6', 'allow', 'ask', 'unknown-operation'],
      ],
    );
  });

  void test('markdown escapes what the recording says: a pipe in a reason cannot split a table row', () => {
    const md = reviewMarkdown(reviewTask(collectCalls(session)));
    const section = md.slice(md.indexOf('## Calls denied or held'), md.indexOf('## Calls outside the scope'));
    const rows = section.split('\n').filter((l) => l.startsWith('| 2026'));
    assert.equal(rows.length, 4);
    assert.match(rows[0] ?? '', /\| ask \| allowed \| writes \| bob \(airlock-vscode\) \|/);
    // 9 columns: 10 unescaped pipes, whatever the reason says.
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 11, row);
    const warned = reviewMarkdown({
      ...reviewTask(collectCalls(session)),
      warnings: ['journal cut | short'],
    });
    assert.match(warned, /^# Access review: orders fix\n\n> \*\*Warning:\*\* journal cut \\\| short\n/);
  });
});
