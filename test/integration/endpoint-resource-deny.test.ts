/**
 * Issue 11 item 13 through the real gateway: workspace deny rules on a Kinesis stream, a Step
 * Functions state machine and an EventBridge rule stop the calls that name them (the verifying
 * upstream receives nothing), while calls naming other resources go through. Before, these
 * services were decided on `*` and such a deny never matched. Real clients: AWS CLI v1 and boto3.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startFakeAws, type FakeAws } from '../fakes';
import { jsonOk } from '../fakes/stubs/shared';
import { guessOperation } from '../fakes/stubs/fallback';
import { awsV1, boto3 } from '../support/aws-clients';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';

const POLICY = {
  version: 1,
  denyRules: [
    {
      id: 'no-prod-stream',
      reason: 'the prod stream feeds billing',
      actions: ['kinesis:*'],
      resources: ['arn:aws:kinesis:*:*:stream/prod'],
    },
    {
      id: 'no-prod-state-machine',
      reason: 'prod workflows run from the pipeline only',
      actions: ['states:*'],
      resources: ['arn:aws:states:*:*:stateMachine:prod'],
    },
    {
      id: 'no-prod-bus-rules',
      reason: 'rules on the prod bus are managed by Terraform',
      actions: ['events:*'],
      resources: ['arn:aws:events:*:*:rule/prod-bus/*'],
    },
  ],
};

/** JSON services the fake does not model: every verified call is answered 200 `{}`. */
const ANSWERED = new Set(['kinesis', 'states', 'events']);

void describe('endpoint mode: deny rules on named resources of Kinesis, Step Functions, EventBridge', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let task: StartedTask;
  let dir: string;
  let machine: (name: string) => string;

  before(async () => {
    fake = await startFakeAws({
      canned: (service, req) => (ANSWERED.has(service) ? jsonOk(guessOperation(req), {}) : undefined),
    });
    dir = await mkdtemp(join(tmpdir(), 'airlock-resource-deny-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify(POLICY));
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--account-id', fake.accountId, '--policy', join(dir, 'policy.json')],
    });
    task = await startTask(gw, ['--name', 'resource deny rules']);
    machine = (name) => `arn:aws:states:us-east-1:${fake.accountId}:stateMachine:${name}`;
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a call that must be refused by `rule`: non-zero, AccessDenied naming it, nothing upstream. */
  async function refused(args: string[], rule: string, resource: RegExp): Promise<void> {
    const before = fake.received.length;
    const r = await awsV1(args, task.env);
    assert.notEqual(r.code, 0, `${args.join(' ')} should have been refused`);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, resource);
    assert.match(r.stderr, new RegExp(rule));
    assert.equal(fake.received.length, before, 'a denied call must not reach AWS');
  }

  /** Runs a call that must go through: exit 0 and exactly one verified call upstream. */
  async function passed(args: string[], operation: string): Promise<void> {
    const before = fake.received.length;
    const r = await awsV1(args, task.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.received.length, before + 1);
    const got = fake.received[fake.received.length - 1];
    assert.deepEqual([got?.verified, got?.operation], ['ok', operation]);
  }

  void test('Kinesis: the prod stream by name or by ARN is refused; other streams pass', async () => {
    const stream = /kinesis:PutRecord on arn:aws:kinesis:us-east-1:\d{12}:stream\/prod/;
    const put = ['kinesis', 'put-record', '--data', 'aGk=', '--partition-key', 'p'];
    await refused([...put, '--stream-name', 'prod'], 'no-prod-stream', stream);
    await refused(
      [...put, '--stream-arn', `arn:aws:kinesis:us-east-1:${fake.accountId}:stream/prod`],
      'no-prod-stream',
      stream,
    );
    await refused(['kinesis', 'delete-stream', '--stream-name', 'prod'], 'no-prod-stream', /stream\/prod/);
    // Not resource-scoped in the reference, but it changes the named stream.
    await refused(
      [
        'kinesis',
        'update-shard-count',
        '--stream-name',
        'prod',
        '--target-shard-count',
        '2',
        '--scaling-type',
        'UNIFORM_SCALING',
      ],
      'no-prod-stream',
      /stream\/prod/,
    );
    await passed([...put, '--stream-name', 'dev'], 'PutRecord');
    await passed(['kinesis', 'delete-stream', '--stream-name', 'production-copy'], 'DeleteStream');
  });

  void test('Step Functions: the prod machine (and its aliases) is refused; other machines pass', async () => {
    await refused(
      ['stepfunctions', 'start-execution', '--state-machine-arn', machine('prod')],
      'no-prod-state-machine',
      /states:StartExecution on arn:aws:states:us-east-1:\d{12}:stateMachine:prod/,
    );
    await refused(
      ['stepfunctions', 'delete-state-machine', '--state-machine-arn', machine('prod')],
      'no-prod-state-machine',
      /stateMachine:prod/,
    );
    // boto3, through an alias of the prod machine: the machine itself is part of the call.
    const before = fake.received.length;
    const viaAlias = (await boto3(
      `import botocore
try:
    boto3.client('stepfunctions').start_execution(stateMachineArn='${machine('prod')}:live')
    result = 'ok'
except botocore.exceptions.ClientError as e:
    result = [e.response['Error']['Code'], e.response['Error']['Message']]`,
      task.env,
    )) as [string, string] | string;
    assert.ok(Array.isArray(viaAlias), `the alias call went through: ${String(viaAlias)}`);
    assert.equal(viaAlias[0], 'AccessDenied');
    assert.match(viaAlias[1], /no-prod-state-machine/);
    assert.equal(fake.received.length, before);
    await passed(
      ['stepfunctions', 'start-execution', '--state-machine-arn', machine('staging')],
      'StartExecution',
    );
  });

  void test('EventBridge: rules on the prod bus are refused, rules on other buses pass', async () => {
    await refused(
      [
        'events',
        'put-rule',
        '--name',
        'nightly',
        '--event-bus-name',
        'prod-bus',
        '--schedule-expression',
        'rate(1 day)',
      ],
      'no-prod-bus-rules',
      /events:PutRule on arn:aws:events:us-east-1:\d{12}:rule\/prod-bus\/nightly/,
    );
    await refused(
      [
        'events',
        'disable-rule',
        '--name',
        'nightly',
        '--event-bus-name',
        `arn:aws:events:us-east-1:${fake.accountId}:event-bus/prod-bus`,
      ],
      'no-prod-bus-rules',
      /rule\/prod-bus\/nightly/,
    );
    await passed(
      [
        'events',
        'put-rule',
        '--name',
        'nightly',
        '--event-bus-name',
        'dev-bus',
        '--schedule-expression',
        'rate(1 day)',
      ],
      'PutRule',
    );
    await passed(['events', 'disable-rule', '--name', 'nightly'], 'DisableRule');
  });

  void test('the journal records the denied call with the resource it was decided on', async () => {
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    const denied = events.filter((e) => e.type === 'call.decision' && e.data.decision === 'deny');
    const text = JSON.stringify(denied);
    assert.match(text, /arn:aws:kinesis:us-east-1:\d{12}:stream\/prod/);
    assert.match(text, /arn:aws:states:us-east-1:\d{12}:stateMachine:prod/);
    assert.match(text, /arn:aws:events:us-east-1:\d{12}:rule\/prod-bus\/nightly/);
  });
});
