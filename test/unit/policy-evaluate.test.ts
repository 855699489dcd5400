import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy, evaluate, type Decision, type RequestContext } from '../../gateway/policy';

function decide(policy: unknown, action: string, resource: string, context: RequestContext = {}): Decision {
  return evaluate(compilePolicy(policy), { action, resource, context }).decision;
}

const V = '2012-10-17';
const OBJ = 'arn:aws:s3:::data/home/alice/a.txt';

void test('an explicit deny wins wherever it is; the deciding statement is named by Sid or path', () => {
  const policy = compilePolicy({
    Version: V,
    Statement: [
      { Sid: 'ReadAll', Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::data/*' },
    ],
  });
  const del = evaluate(policy, { action: 's3:DeleteObject', resource: OBJ, context: {} });
  assert.deepEqual(del, { decision: 'ExplicitDeny', statement: 'Statement[1]', statementIndex: 1 });
  const get = evaluate(policy, { action: 's3:GetObject', resource: OBJ, context: {} });
  assert.deepEqual(get, { decision: 'Allow', statement: 'ReadAll', statementIndex: 0 });
  assert.deepEqual(evaluate(policy, { action: 'sqs:SendMessage', resource: '*', context: {} }), {
    decision: 'ImplicitDeny',
  });
});

void test('actions match case-insensitively with * and ?; resources match case-sensitively', () => {
  const p = {
    Version: V,
    Statement: { Effect: 'Allow', Action: 'S3:get?bject', Resource: 'arn:aws:s3:::data/*' },
  };
  assert.equal(decide(p, 's3:GetObject', OBJ), 'Allow');
  assert.equal(decide(p, 's3:GetObjectAcl', OBJ), 'ImplicitDeny');
  assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::Data/x'), 'ImplicitDeny');
  assert.equal(decide(p, 'sqs:GetObject', OBJ), 'ImplicitDeny');
});

void test('a wildcard in an ARN field stays in that field; the resource part may span colons and slashes', () => {
  const p = {
    Version: V,
    Statement: {
      Effect: 'Allow',
      Action: 'logs:*',
      Resource: 'arn:aws:logs:us-*:123456789012:log-group:app*',
    },
  };
  assert.equal(
    decide(p, 'logs:PutLogEvents', 'arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s/1'),
    'Allow',
  );
  assert.equal(decide(p, 'logs:PutLogEvents', 'arn:aws:logs:us-east-1:1:2:log-group:app'), 'ImplicitDeny');
  assert.equal(
    decide(p, 'logs:PutLogEvents', 'arn:aws:logs:eu-west-1:123456789012:log-group:app'),
    'ImplicitDeny',
  );
  // Short ARNs in identity policies cover everything below them.
  const short = { Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:dynamodb' } };
  assert.equal(decide(short, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:1:table/t'), 'Allow');
});

void test('NotAction and NotResource invert the match; a `*` request resource only meets Resource "*"', () => {
  const p = {
    Version: V,
    Statement: [
      { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'] },
    ],
  };
  assert.equal(decide(p, 's3:GetObject', OBJ), 'Allow');
  assert.equal(decide(p, 'iam:CreateUser', '*'), 'ExplicitDeny');
  assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::other/x'), 'ExplicitDeny');
  const scoped = {
    Statement: { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' },
  };
  assert.equal(decide(scoped, 's3:ListAllMyBuckets', '*'), 'ImplicitDeny');
});

void test('policy variables resolve from the context, with defaults, only under Version 2012-10-17', () => {
  const st = {
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::data/home/${aws:username}/*',
  };
  assert.equal(
    decide({ Version: V, Statement: st }, 's3:GetObject', OBJ, { 'aws:username': 'alice' }),
    'Allow',
  );
  assert.equal(
    decide({ Version: V, Statement: st }, 's3:GetObject', OBJ, { 'aws:username': 'bob' }),
    'ImplicitDeny',
  );
  assert.equal(decide({ Version: V, Statement: st }, 's3:GetObject', OBJ, {}), 'ImplicitDeny');
  const literal = 'arn:aws:s3:::data/home/${aws:username}/x';
  assert.equal(decide({ Statement: st }, 's3:GetObject', literal, { 'aws:username': 'alice' }), 'Allow');
  assert.equal(decide({ Statement: st }, 's3:GetObject', OBJ, { 'aws:username': 'alice' }), 'ImplicitDeny');
  const dflt = { ...st, Resource: "arn:aws:s3:::data/home/${aws:PrincipalTag/owner, 'alice'}/*" };
  assert.equal(decide({ Version: V, Statement: dflt }, 's3:GetObject', OBJ), 'Allow');
  // A value is literal text: a `*` in a tag does not become a wildcard.
  assert.equal(
    decide({ Version: V, Statement: st }, 's3:GetObject', OBJ, { 'aws:username': '*' }),
    'ImplicitDeny',
  );
  // An unresolvable variable in NotResource leaves the statement out rather than guessing.
  const deny = { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::data/home/${aws:username}/*' };
  const both = { Version: V, Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, deny] };
  assert.equal(decide(both, 's3:GetObject', OBJ, {}), 'Allow');
  assert.equal(decide(both, 's3:GetObject', OBJ, { 'aws:username': 'bob' }), 'ExplicitDeny');
});

function cond(Condition: unknown, context: RequestContext): Decision {
  return decide(
    { Version: V, Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition } },
    's3:GetObject',
    OBJ,
    context,
  );
}

void test('keys in a block AND together, values of one key OR; key names are case-insensitive', () => {
  const c = { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'], 'aws:username': 'alice' } };
  assert.equal(cond(c, { 'aws:RequestedRegion': 'eu-west-1', 'aws:username': 'alice' }), 'Allow');
  assert.equal(cond(c, { 'AWS:REQUESTEDREGION': 'eu-west-1', 'aws:UserName': 'alice' }), 'Allow');
  assert.equal(cond(c, { 'aws:RequestedRegion': 'eu-west-1', 'aws:username': 'bob' }), 'ImplicitDeny');
  assert.equal(cond(c, { 'aws:RequestedRegion': 'us-west-2', 'aws:username': 'alice' }), 'ImplicitDeny');
  assert.equal(
    cond({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'Alice' }),
    'Allow',
  );
  assert.equal(
    cond(
      { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
      { 's3:prefix': 'home/al/x', 'aws:username': 'al' },
    ),
    'Allow',
  );
  assert.equal(cond({ StringLike: { 'x:k': 'a${*}' } }, { 'x:k': 'a*' }), 'Allow');
  assert.equal(cond({ StringLike: { 'x:k': 'a${*}' } }, { 'x:k': 'ab' }), 'ImplicitDeny');
});

void test('missing keys: positive operators fail, negated ones hold, IfExists holds, Null tests presence', () => {
  assert.equal(cond({ StringEquals: { 'aws:username': 'alice' } }, {}), 'ImplicitDeny');
  assert.equal(cond({ StringNotEquals: { 'aws:username': 'alice' } }, {}), 'Allow');
  assert.equal(cond({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}), 'Allow');
  assert.equal(cond({ StringEqualsIfExists: { 'aws:username': 'alice' } }, {}), 'Allow');
  assert.equal(
    cond({ StringEqualsIfExists: { 'aws:username': 'alice' } }, { 'aws:username': 'bob' }),
    'ImplicitDeny',
  );
  assert.equal(cond({ Null: { 'aws:TokenIssueTime': 'true' } }, {}), 'Allow');
  assert.equal(
    cond({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' }),
    'ImplicitDeny',
  );
  assert.equal(cond({ Null: { 'aws:TokenIssueTime': false } }, { 'aws:TokenIssueTime': 'x' }), 'Allow');
});

void test('set qualifiers: ForAllValues is vacuously true, ForAnyValue needs a match; plain operators never match a list', () => {
  const all = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } };
  assert.equal(cond(all, { 'aws:TagKeys': ['env'] }), 'Allow');
  assert.equal(cond(all, { 'aws:TagKeys': ['env', 'owner'] }), 'ImplicitDeny');
  assert.equal(cond(all, { 'aws:TagKeys': [] }), 'Allow');
  assert.equal(cond(all, {}), 'Allow');
  const any = { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'cost-*' } };
  assert.equal(cond(any, { 'aws:TagKeys': ['env', 'cost-center'] }), 'Allow');
  assert.equal(cond(any, { 'aws:TagKeys': ['env'] }), 'ImplicitDeny');
  assert.equal(cond(any, {}), 'ImplicitDeny');
  assert.equal(cond({ 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'x' } }, {}), 'Allow');
  const notAll = { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } };
  assert.equal(cond(notAll, { 'aws:TagKeys': ['env', 'team'] }), 'Allow');
  assert.equal(cond(notAll, { 'aws:TagKeys': ['env', 'secret'] }), 'ImplicitDeny');
  assert.equal(cond({ StringEquals: { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['env'] }), 'ImplicitDeny');
  assert.equal(cond({ StringNotEquals: { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['x'] }), 'ImplicitDeny');
});

void test('numeric, date, bool, IP and ARN operators compare typed values', () => {
  assert.equal(
    cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': '300' }),
    'Allow',
  );
  assert.equal(
    cond({ NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } }, { 'aws:MultiFactorAuthAge': '3600.0' }),
    'ImplicitDeny',
  );
  assert.equal(cond({ NumericNotEquals: { n: ['1', '2'] } }, { n: '3' }), 'Allow');
  assert.equal(cond({ NumericNotEquals: { n: ['1', '2'] } }, { n: 'two' }), 'ImplicitDeny');
  const before = { DateLessThan: { 'aws:CurrentTime': '2024-06-01T00:00:00Z' } };
  assert.equal(cond(before, { 'aws:CurrentTime': '2024-05-31T23:59:59Z' }), 'Allow');
  assert.equal(cond(before, { 'aws:CurrentTime': '2024-06-01T00:00:00Z' }), 'ImplicitDeny');
  // Epoch values are seconds, as AWS documents for aws:EpochTime.
  assert.equal(cond(before, { 'aws:CurrentTime': '1717199999' }), 'Allow');
  assert.equal(cond(before, { 'aws:CurrentTime': '1717200000' }), 'ImplicitDeny');
  assert.equal(cond({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }), 'Allow');
  assert.equal(
    cond({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' }),
    'ImplicitDeny',
  );
  const ip = { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } };
  assert.equal(cond(ip, { 'aws:SourceIp': '10.200.1.1' }), 'Allow');
  assert.equal(cond(ip, { 'aws:SourceIp': '2001:0db8:0:0::7' }), 'Allow');
  assert.equal(cond(ip, { 'aws:SourceIp': '2001:db9::1' }), 'ImplicitDeny');
  assert.equal(cond(ip, { 'aws:SourceIp': '11.0.0.1' }), 'ImplicitDeny');
  assert.equal(cond({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '::1' }), 'Allow');
  assert.equal(
    cond({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': 'not-an-ip' }),
    'ImplicitDeny',
  );
  const arn = { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::data*' } };
  assert.equal(cond(arn, { 'aws:SourceArn': 'arn:aws:s3:::data-prod' }), 'Allow');
  const region = { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:topic' } };
  assert.equal(cond(region, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic' }), 'Allow');
  assert.equal(
    cond(region, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:x:123456789012:topic' }),
    'ImplicitDeny',
  );
  assert.equal(
    cond({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, { 'aws:SourceArn': 'nope' }),
    'ImplicitDeny',
  );
});
