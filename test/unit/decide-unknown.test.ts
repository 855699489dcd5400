/** Unidentified calls are never allowed: asked about (default) or refused, with the raw request shown. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../../gateway/approvals/summarize';
import { mapToIam } from '../../gateway/aws/iam-map';
import { identify } from '../../gateway/aws/identify';
import type { RequestView } from '../../gateway/aws/types';
import { CallDecider, type Verdict } from '../../gateway/pipeline/decide';
import {
  describeRequest,
  type RequestLine,
  UNKNOWN_OPERATION_RULE,
} from '../../gateway/pipeline/decide-unknown';
import { defaultPolicy, type EffectivePolicy, loadPolicyText } from '../../gateway/policy-file';
import type { TaskInfo } from '../../gateway/protocol';

const TRICK = '/2015-03-31/functions/orders/../secret/invocations';

function task(scope?: unknown): TaskInfo {
  return {
    taskId: 'task-1',
    name: 'fix orders',
    accessKeyId: 'AKIDTASK',
    startedBy: 'alice',
    startedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2026-01-02T00:00:00Z',
    state: 'active',
    ...(scope !== undefined ? { scope } : {}),
  };
}

function view(method: string, path: string, signingName = 'lambda'): RequestView {
  return { method, path, query: [], headers: {}, signingName, region: 'us-east-1' };
}

function decideRaw(
  policy: EffectivePolicy,
  line: RequestLine,
  t: TaskInfo = task(),
  signingName = 'lambda',
): Verdict {
  const q = line.rawUrl.indexOf('?');
  const identified = identify(view(line.method, q < 0 ? line.rawUrl : line.rawUrl.slice(0, q), signingName));
  return new CallDecider(() => policy).decide({
    task: t,
    identified,
    mapping: mapToIam(identified, { accountId: '123456789012' }),
    now: new Date('2026-05-01T12:00:00Z'),
    request: line,
  });
}

const policy = (text: string): EffectivePolicy => loadPolicyText(text, 'policy.json');

void test('an unidentified call is asked about by default, showing its raw method and path', () => {
  const v = decideRaw(defaultPolicy(), { method: 'POST', rawUrl: TRICK });
  assert.equal(v.decision, 'ask');
  if (v.decision !== 'ask') return;
  assert.equal(v.rule.id, UNKNOWN_OPERATION_RULE);
  assert.ok(v.reason.includes(`POST ${TRICK}`), v.reason);
  assert.match(v.reason, /cannot identify/);
  assert.equal(v.action, 'lambda:Unknown');
  // "Approve for the task" must not become a grant for every unidentified lambda call.
  assert.deepEqual(v.pairs, []);
});

void test('unknownOperations "deny" refuses it, with the raw request in the reason', () => {
  const v = decideRaw(policy('{"unknownOperations":"deny"}'), {
    method: 'DELETE',
    rawUrl: '/2015-03-31/./functions/prod',
  });
  assert.equal(v.decision, 'deny');
  assert.equal(v.rule, UNKNOWN_OPERATION_RULE);
  assert.ok(v.reason.includes('DELETE /2015-03-31/./functions/prod'), v.reason);
  assert.match(v.reason, /unknownOperations: "deny"/);
});

void test('a scope granting the whole service does not let an unidentified call through', () => {
  const scope = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }],
  };
  const v = decideRaw(defaultPolicy(), { method: 'POST', rawUrl: TRICK }, task(scope));
  assert.equal(v.decision, 'ask');
  // An identified call in that scope is still allowed.
  const ok = decideRaw(
    defaultPolicy(),
    { method: 'POST', rawUrl: '/2015-03-31/functions/orders/invocations' },
    task(scope),
  );
  assert.equal(ok.decision, 'allow');
});

void test('what would deny it still denies it: deny rules, an explicit Deny in the scope, outOfScope deny', () => {
  const denyAll = policy(
    JSON.stringify({ denyRules: [{ id: 'no-lambda', reason: 'no lambda here', actions: ['lambda:*'] }] }),
  );
  const byRule = decideRaw(denyAll, { method: 'POST', rawUrl: TRICK });
  assert.equal(byRule.decision, 'deny');
  assert.equal(byRule.rule, 'no-lambda');
  const scope = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'lambda:*', Resource: '*' }] };
  const byScope = decideRaw(defaultPolicy(), { method: 'POST', rawUrl: TRICK }, task(scope));
  assert.equal(byScope.decision, 'deny');
  const narrow = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
  };
  const outside = decideRaw(defaultPolicy(), { method: 'POST', rawUrl: TRICK }, task(narrow));
  assert.equal(outside.decision, 'deny');
  assert.equal(outside.rule, 'scope');
});

void test('an ask rule matching the unknown action does not hand out a task-wide grant either', () => {
  const p = policy(
    JSON.stringify({
      askRules: [{ id: 'ask-lambda', reason: 'lambda is sensitive', actions: ['lambda:*'] }],
    }),
  );
  const v = decideRaw(p, { method: 'POST', rawUrl: TRICK });
  assert.equal(v.decision, 'ask');
  if (v.decision === 'ask') {
    assert.equal(v.rule.id, UNKNOWN_OPERATION_RULE);
    assert.deepEqual(v.pairs, []);
  }
});

void test('a signing name no model knows is unidentified too', () => {
  const v = decideRaw(defaultPolicy(), { method: 'GET', rawUrl: '/anything' }, task(), 'nosuchservice');
  assert.equal(v.decision, 'ask');
  assert.match(v.reason, /signing name "nosuchservice"/);
});

void test('the request line: raw path, query without signing parameters, target, no control characters', () => {
  assert.equal(
    describeRequest({
      method: 'GET',
      rawUrl: '/a/%2e%2e/b?list-type=2&X-Amz-Credential=AKIDTASK%2F20260101&X-Amz-Signature=abc&x-amz-date=1',
    }),
    'GET /a/%2e%2e/b?list-type=2',
  );
  assert.equal(
    describeRequest({ method: 'POST', rawUrl: '/', target: 'DynamoDB_20120810.Nope' }),
    'POST / (X-Amz-Target: DynamoDB_20120810.Nope)',
  );
  assert.equal(
    describeRequest({ method: 'POST', rawUrl: '/', target: 'a\nb' }),
    'POST / (X-Amz-Target: a\\x0ab)',
  );
  assert.ok(describeRequest({ method: 'GET', rawUrl: `/${'x'.repeat(5000)}` }).length < 300);
});

void test('the approval summary of an unidentified call names the method and raw path', () => {
  const line = summarize({
    iamPrefix: 'lambda',
    params: {},
    action: 'lambda:Unknown',
    resources: ['*'],
    request: describeRequest({ method: 'POST', rawUrl: TRICK }),
  });
  assert.equal(line, `Unidentified lambda call: POST ${TRICK}`);
  // Identified calls keep their curated or generic summary.
  assert.equal(
    summarize({
      iamPrefix: 'lambda',
      operation: 'DeleteFunction',
      params: { FunctionName: 'prod' },
      action: 'lambda:DeleteFunction',
      resources: ['*'],
      request: 'ignored',
    }),
    'Delete Lambda function prod',
  );
});
