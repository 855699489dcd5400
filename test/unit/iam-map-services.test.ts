/**
 * Resources of the services issue 11 item 13 names (Route 53 hosted zones, EventBridge rules and
 * buses, Kinesis streams, Step Functions state machines and executions, Cognito user pools),
 * mapped from the requests real clients build (aws-sdk v2 via identify). EC2 and the rules of the
 * data-driven default: iam-map-template.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { IamRequirement, RequestView } from '../../gateway/aws/types';
import { ACCT, mapView, viaSdk, r } from './support/iam-map-helpers';

const OTHER = '210987654321';

void test('Kinesis: streams by name or ARN (each one named), consumers, stream-wide calls, opaque iterators', () => {
  const k = (op: string, p: object, accountId?: string): IamRequirement[] =>
    viaSdk('kinesis', 'kinesis', op, p, accountId);
  const S = (n: string, acct = ACCT): string => `arn:aws:kinesis:us-east-1:${acct}:stream/${n}`;
  assert.deepEqual(k('PutRecord', { StreamName: 'orders', Data: 'x', PartitionKey: 'p' }), [
    r('kinesis:PutRecord', S('orders')),
  ]);
  // An ARN is used as given: its account and region, not the gateway's.
  const foreign = `arn:aws:kinesis:eu-west-1:${OTHER}:stream/prod`;
  assert.deepEqual(k('PutRecords', { StreamARN: foreign, Records: [] }), [r('kinesis:PutRecords', foreign)]);
  // Name and ARN both given and different: the call needs both.
  assert.deepEqual(k('DeleteStream', { StreamName: 'orders', StreamARN: foreign }), [
    r('kinesis:DeleteStream', foreign, S('orders')),
  ]);
  // The account the gateway knows (or `*` until it knows it) fills names.
  assert.deepEqual(k('CreateStream', { StreamName: 'orders', ShardCount: 1 }, '*'), [
    r('kinesis:CreateStream', 'arn:aws:kinesis:us-east-1:*:stream/orders'),
  ]);
  assert.deepEqual(
    k('UpdateShardCount', { StreamName: 'orders', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }),
    [r('kinesis:UpdateShardCount', S('orders'))],
  );
  const consumer = `${S('orders')}/consumer/reader:1700000000`;
  assert.deepEqual(k('DescribeStreamConsumer', { ConsumerARN: consumer }), [
    r('kinesis:DescribeStreamConsumer', consumer),
  ]);
  assert.deepEqual(k('DeregisterStreamConsumer', { StreamARN: S('orders'), ConsumerName: 'reader' }), [
    r('kinesis:DeregisterStreamConsumer', `${S('orders')}/consumer/reader:*`),
  ]);
  assert.deepEqual(k('RegisterStreamConsumer', { StreamARN: S('orders'), ConsumerName: 'reader' }), [
    r('kinesis:RegisterStreamConsumer', S('orders')),
  ]);
  // The stream is inside the opaque iterator: nothing to name.
  assert.deepEqual(k('GetRecords', { ShardIterator: 'AAAA' }), [r('kinesis:GetRecords')]);
  // A partial ARN where a name belongs: what Kinesis does with it is not ours to guess, so `*`
  // stays beside the stream the call does name (only a scope granting everything allows it).
  assert.deepEqual(k('PutRecord', { StreamName: `${ACCT}:stream/prod`, Data: 'x', PartitionKey: 'p' }), [
    r('kinesis:PutRecord', '*'),
  ]);
  assert.deepEqual(k('DeleteStream', { StreamName: `${ACCT}:stream/prod`, StreamARN: foreign }), [
    r('kinesis:DeleteStream', foreign, '*'),
  ]);
});

void test('Step Functions: machines, executions, versions and aliases (with their machine), PassRole', () => {
  const sf = (op: string, p: object): IamRequirement[] => viaSdk('stepfunctions', 'states', op, p);
  const M = `arn:aws:states:us-east-1:${ACCT}:stateMachine:orders`;
  assert.deepEqual(sf('StartExecution', { stateMachineArn: M, input: '{}' }), [
    r('states:StartExecution', M),
  ]);
  assert.deepEqual(sf('StartExecution', { stateMachineArn: `${M}:live` }), [
    r('states:StartExecution', `${M}:live`, M),
  ]);
  const E = `arn:aws:states:us-east-1:${ACCT}:execution:orders:run-1`;
  assert.deepEqual(sf('StopExecution', { executionArn: E }), [r('states:StopExecution', E)]);
  assert.deepEqual(sf('DescribeExecution', { executionArn: E }), [r('states:DescribeExecution', E)]);
  const role = `arn:aws:iam::${ACCT}:role/sfn`;
  assert.deepEqual(sf('CreateStateMachine', { name: 'orders', definition: '{}', roleArn: role }), [
    r('states:CreateStateMachine', M),
    r('iam:PassRole', role),
  ]);
  assert.deepEqual(
    sf('CreateStateMachineAlias', {
      name: 'live',
      routingConfiguration: [{ stateMachineVersionArn: `${M}:3`, weight: 100 }],
    }),
    [r('states:CreateStateMachineAlias', `${M}:3`, M)],
  );
  // An ARN of another type in the machine's member names nothing.
  assert.deepEqual(sf('DeleteStateMachine', { stateMachineArn: `arn:aws:iam::${ACCT}:role/x` }), [
    r('states:DeleteStateMachine'),
  ]);
});

void test('EventBridge: rules on the default or a custom bus (by name or ARN), buses, PutEvents per entry', () => {
  for (const svc of ['cloudwatchevents', 'eventbridge']) {
    const ev = (op: string, p: object): IamRequirement[] => viaSdk(svc, 'events', op, p);
    const R = (rest: string, acct = ACCT, region = 'us-east-1'): string =>
      `arn:aws:events:${region}:${acct}:rule/${rest}`;
    const B = (n: string): string => `arn:aws:events:us-east-1:${ACCT}:event-bus/${n}`;
    assert.deepEqual(ev('PutRule', { Name: 'nightly', ScheduleExpression: 'rate(1 day)' }), [
      r('events:PutRule', R('nightly')),
    ]);
    assert.deepEqual(ev('DeleteRule', { Name: 'nightly', EventBusName: 'orders' }), [
      r('events:DeleteRule', R('orders/nightly')),
    ]);
    const foreignBus = `arn:aws:events:eu-west-1:${OTHER}:event-bus/orders`;
    assert.deepEqual(ev('DisableRule', { Name: 'nightly', EventBusName: foreignBus }), [
      r('events:DisableRule', R('orders/nightly', OTHER, 'eu-west-1')),
    ]);
    assert.deepEqual(ev('EnableRule', { Name: 'nightly', EventBusName: B('default') }), [
      r('events:EnableRule', R('nightly')),
    ]);
    const role = `arn:aws:iam::${ACCT}:role/events`;
    assert.deepEqual(
      ev('PutTargets', {
        Rule: 'nightly',
        Targets: [{ Id: '1', Arn: 'arn:aws:sqs:us-east-1:1:q', RoleArn: role }],
      }),
      [r('events:PutTargets', R('nightly')), r('iam:PassRole', role)],
    );
    assert.deepEqual(ev('DeleteEventBus', { Name: 'orders' }), [r('events:DeleteEventBus', B('orders'))]);
    assert.deepEqual(ev('DescribeEventBus', {}), [r('events:DescribeEventBus', B('default'))]);
    assert.deepEqual(
      ev('PutEvents', { Entries: [{ Detail: '{}' }, { EventBusName: 'orders', Detail: '{}' }] }),
      [r('events:PutEvents', B('default'), B('orders'))],
    );
    assert.deepEqual(
      ev('PutPermission', {
        EventBusName: 'orders',
        StatementId: 's',
        Action: 'events:PutEvents',
        Principal: '*',
      }),
      [r('events:PutPermission', B('orders'))],
    );
    // A rule the gateway cannot place keeps `*` beside what it could: a scope must grant everything.
    assert.deepEqual(ev('DeleteRule', { Name: 'nightly', EventBusName: 'a/b' }), [
      r('events:DeleteRule', '*'),
    ]);
    assert.deepEqual(ev('DeleteConnection', { Name: 'github' }), [
      r('events:DeleteConnection', `arn:aws:events:us-east-1:${ACCT}:connection/github`),
    ]);
  }
});

void test('Route 53: hosted zones, health checks and changes by id, with or without their /type/ prefix', () => {
  const rt = (op: string, p: object): IamRequirement[] => viaSdk('route53', 'route53', op, p);
  const Z = 'arn:aws:route53:::hostedzone/Z1ABC';
  assert.deepEqual(rt('GetHostedZone', { Id: 'Z1ABC' }), [r('route53:GetHostedZone', Z)]);
  assert.deepEqual(
    rt('ChangeResourceRecordSets', { HostedZoneId: '/hostedzone/Z1ABC', ChangeBatch: { Changes: [] } }),
    [r('route53:ChangeResourceRecordSets', Z)],
  );
  assert.deepEqual(rt('ListResourceRecordSets', { HostedZoneId: 'Z1ABC' }), [
    r('route53:ListResourceRecordSets', Z),
  ]);
  assert.deepEqual(rt('DeleteHealthCheck', { HealthCheckId: 'hc-1' }), [
    r('route53:DeleteHealthCheck', 'arn:aws:route53:::healthcheck/hc-1'),
  ]);
  assert.deepEqual(rt('GetChange', { Id: '/change/C9' }), [
    r('route53:GetChange', 'arn:aws:route53:::change/C9'),
  ]);
  assert.deepEqual(rt('ChangeTagsForResource', { ResourceType: 'hostedzone', ResourceId: 'Z1ABC' }), [
    r('route53:ChangeTagsForResource', Z),
  ]);
  assert.deepEqual(rt('ListQueryLoggingConfigs', { HostedZoneId: 'Z1ABC' }), [
    r('route53:ListQueryLoggingConfigs', Z),
  ]);
  // A raw client that leaves the prefix in the label (encoded): the id is still the zone.
  const view: RequestView = {
    method: 'GET',
    path: '/2013-04-01/hostedzone/%2Fhostedzone%2FZ1ABC',
    query: [],
    headers: { host: 'route53.amazonaws.com' },
    signingName: 'route53',
    region: 'us-east-1',
  };
  assert.deepEqual(mapView(view), [r('route53:GetHostedZone', Z)]);
  assert.deepEqual(rt('CreateHostedZone', { Name: 'example.com', CallerReference: 'x' }), [
    r('route53:CreateHostedZone'),
  ]);
});

void test('Cognito user pools by id, tags by ARN', () => {
  const c = (op: string, p: object): IamRequirement[] =>
    viaSdk('cognitoidentityserviceprovider', 'cognito-idp', op, p);
  const P = `arn:aws:cognito-idp:us-east-1:${ACCT}:userpool/us-east-1_AbC`;
  assert.deepEqual(c('AdminDeleteUser', { UserPoolId: 'us-east-1_AbC', Username: 'u' }), [
    r('cognito-idp:AdminDeleteUser', P),
  ]);
  assert.deepEqual(c('DeleteUserPool', { UserPoolId: 'us-east-1_AbC' }), [
    r('cognito-idp:DeleteUserPool', P),
  ]);
  assert.deepEqual(c('TagResource', { ResourceArn: P, Tags: {} }), [r('cognito-idp:TagResource', P)]);
  // Token-authenticated calls name no pool in the request.
  assert.deepEqual(c('GetUser', { AccessToken: 't' }), [r('cognito-idp:GetUser')]);
});
