import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, PolicyError, type PolicyErrorCode } from '../../gateway/policy';

function rejects(doc: unknown, code: PolicyErrorCode, path: string): void {
  assert.throws(
    () => compilePolicy(doc),
    (e: unknown) => {
      assert.ok(e instanceof PolicyError, `expected PolicyError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.equal(e.path, path);
      return true;
    },
  );
}

const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };

void test('accepts a statement object or a list, any documented Version, and JSON text', () => {
  assert.equal(compilePolicy({ Version: '2012-10-17', Statement: ok }).statementCount, 1);
  assert.equal(compilePolicy({ Version: '2008-10-17', Statement: [ok, ok] }).statementCount, 2);
  assert.equal(compilePolicy({ Statement: [] }).statementCount, 0);
  assert.equal(compilePolicy(JSON.stringify({ Id: 'x', Statement: [ok] })).statementCount, 1);
});

void test('rejects malformed documents with a stable code and the path of the offending element', () => {
  rejects('{nope', 'InvalidDocument', '');
  rejects([ok], 'InvalidDocument', '');
  rejects({ Statement: [ok], Foo: 1 }, 'UnknownElement', 'Foo');
  rejects({ Version: '2020-01-01', Statement: [ok] }, 'InvalidVersion', 'Version');
  rejects({ Version: '2012-10-17' }, 'MissingStatement', 'Statement');
  rejects({ Statement: [ok, 'x'] }, 'InvalidStatement', 'Statement[1]');
  rejects({ Statement: [ok, { ...ok, Effect: 'allow' }] }, 'InvalidEffect', 'Statement[1].Effect');
  rejects({ Statement: { ...ok, Sid: 3 } }, 'InvalidSid', 'Statement.Sid');
  rejects({ Statement: [{ ...ok, Principal: '*' }] }, 'UnsupportedElement', 'Statement[0].Principal');
  rejects({ Statement: [{ ...ok, Whatever: 1 }] }, 'UnknownElement', 'Statement[0].Whatever');
  rejects({ Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'MissingAction', 'Statement[0]');
  rejects({ Statement: [{ Effect: 'Allow', Action: '*' }] }, 'MissingResource', 'Statement[0]');
  rejects({ Statement: [{ ...ok, NotAction: 's3:*' }] }, 'ConflictingElements', 'Statement[0]');
  rejects({ Statement: [{ ...ok, NotResource: '*' }] }, 'ConflictingElements', 'Statement[0]');
  rejects({ Statement: [{ ...ok, Action: [] }] }, 'EmptyElement', 'Statement[0].Action');
  rejects(
    { Statement: [{ ...ok, Action: ['s3:GetObject', 's3'] }] },
    'InvalidAction',
    'Statement[0].Action[1]',
  );
  rejects({ Statement: [{ ...ok, Action: 's3:Get:Object' }] }, 'InvalidAction', 'Statement[0].Action');
  rejects({ Statement: [{ ...ok, Action: 7 }] }, 'InvalidAction', 'Statement[0].Action');
  rejects({ Statement: [{ ...ok, Resource: 'my-bucket' }] }, 'InvalidResource', 'Statement[0].Resource');
  rejects(
    { Statement: [{ Effect: 'Deny', Action: '*', NotResource: ['*', 4] }] },
    'InvalidResource',
    'Statement[0].NotResource[1]',
  );
});

void test('rejects malformed conditions at the operator, key or value that is wrong', () => {
  const withCondition = (Condition: unknown): unknown => ({ Statement: [ok, ok, { ...ok, Condition }] });
  rejects(withCondition([]), 'InvalidCondition', 'Statement[2].Condition');
  rejects(
    withCondition({ StringEqualz: { 'aws:username': 'a' } }),
    'UnknownConditionOperator',
    'Statement[2].Condition.StringEqualz',
  );
  rejects(
    withCondition({ 'ForSomeValues:StringEquals': { k: 'a' } }),
    'UnknownConditionOperator',
    'Statement[2].Condition.ForSomeValues:StringEquals',
  );
  rejects(withCondition({ StringEquals: 'a' }), 'InvalidCondition', 'Statement[2].Condition.StringEquals');
  rejects(
    withCondition({ StringEquals: { k: { x: 1 } } }),
    'InvalidConditionValue',
    'Statement[2].Condition.StringEquals.k',
  );
  rejects(
    withCondition({ StringEquals: { k: ['a', null] } }),
    'InvalidConditionValue',
    'Statement[2].Condition.StringEquals.k[1]',
  );
  rejects(
    withCondition({ NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.NumericLessThan.aws:MultiFactorAuthAge',
  );
  rejects(
    withCondition({ DateGreaterThan: { 'aws:CurrentTime': 'yesterday' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.DateGreaterThan.aws:CurrentTime',
  );
  rejects(
    withCondition({ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.IpAddress.aws:SourceIp',
  );
  rejects(
    withCondition({ Bool: { 'aws:SecureTransport': 'yes' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.Bool.aws:SecureTransport',
  );
  rejects(
    withCondition({ Null: { 'aws:TokenIssueTime': 'maybe' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.Null.aws:TokenIssueTime',
  );
  rejects(
    withCondition({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3' } }),
    'InvalidConditionValue',
    'Statement[2].Condition.ArnLike.aws:SourceArn',
  );
});

void test('accepts every documented operator with IfExists and set qualifiers, any operator case', () => {
  const policy = compilePolicy({
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        StringEqualsIfExists: { a: 'x' },
        'ForAllValues:StringLike': { 'aws:TagKeys': ['env*'] },
        'foranyvalue:stringequalsignorecase': { 'aws:TagKeys': 'Team' },
        NumericGreaterThanEqualsIfExists: { n: 3 },
        DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
        Bool: { 'aws:SecureTransport': true },
        NotIpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        ArnNotLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::*' },
        BinaryEquals: { 'x:blob': 'QmluYXJ5' },
        Null: { 'aws:TokenIssueTime': 'true' },
      },
    },
  });
  assert.equal(policy.usesContext, true);
  assert.equal(compilePolicy({ Statement: ok }).usesContext, false);
});
