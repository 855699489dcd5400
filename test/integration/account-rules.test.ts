import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UNKNOWN_ACCOUNT } from '../../gateway/aws/unknown-account';
import { type FakeAws, startFakeAws } from '../fakes';
import { renderAwsError } from '../fakes/aws-errors';
import { awsV1 } from '../support/aws-clients';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { type LooseEvent, readJournalEvents } from '../support/journal';

const TABLES = ['prod', 'scratch'];

/** A workspace that denies deleting items of one table, named by its full ARN (account included). */
function policyFor(account: string): object {
  return {
    denyRules: [
      {
        id: 'prod-items-stay',
        reason: 'the prod table is only changed by the release pipeline',
        actions: ['dynamodb:DeleteItem'],
        resources: [`arn:aws:dynamodb:us-east-1:${account}:table/prod`],
      },
    ],
  };
}

interface AccountStack {
  fake: FakeAws;
  gw: GatewayProcess;
  task: StartedTask;
  close(): Promise<void>;
}

/** A gateway started WITHOUT --account-id (unless given), so it has to learn the account. */
async function startAccountStack(
  opts: { stsFails?: boolean; accountIdArg?: string } = {},
): Promise<AccountStack> {
  const stsFails = opts.stsFails === true;
  const fake = await startFakeAws({
    canned: (service, req) =>
      stsFails && service === 'sts' && req.body.toString().includes('Action=GetCallerIdentity')
        ? renderAwsError('query', 'sts', {
            status: 503,
            code: 'ServiceUnavailable',
            message: 'STS is down (test)',
          })
        : undefined,
  });
  const dir = await mkdtemp(join(tmpdir(), 'airlock-account-'));
  const file = join(dir, 'policy.json');
  await writeFile(file, JSON.stringify(policyFor(fake.accountId)));
  const gw = await startGatewayProcess({
    upstream: fake.url,
    credentials: fake.credentials,
    args: ['--policy', file, ...(opts.accountIdArg ? ['--account-id', opts.accountIdArg] : [])],
  });
  const task = await startTask(gw, ['--name', 'account rules']);
  return {
    fake,
    gw,
    task,
    async close() {
      await gw.dispose();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function createTables(s: AccountStack): Promise<void> {
  for (const table of TABLES) {
    const r = await awsV1(
      [
        'dynamodb',
        'create-table',
        '--table-name',
        table,
        '--attribute-definitions',
        'AttributeName=id,AttributeType=S',
        '--key-schema',
        'AttributeName=id,KeyType=HASH',
        '--billing-mode',
        'PAY_PER_REQUEST',
      ],
      s.task.env,
    );
    assert.equal(r.code, 0, r.stderr);
    const put = await awsV1(
      ['dynamodb', 'put-item', '--table-name', table, '--item', '{"id":{"S":"a"}}'],
      s.task.env,
    );
    assert.equal(put.code, 0, put.stderr);
  }
}

const deleteItem = (s: AccountStack, table: string) =>
  awsV1(['dynamodb', 'delete-item', '--table-name', table, '--key', '{"id":{"S":"a"}}'], s.task.env);

/** What reached the upstream: DeleteItem calls per table (from their verified bodies). */
function upstreamDeletes(s: AccountStack): number {
  return s.fake.received.filter((c) => c.operation === 'DeleteItem' && c.backendReached).length;
}

function deleteRequests(events: LooseEvent[]): LooseEvent[] {
  return events.filter((e) => e.type === 'call.request' && e.data.operation === 'DeleteItem');
}

void describe('account rules with the account learned from the credentials (no --account-id)', () => {
  let s: AccountStack;
  before(async () => {
    s = await startAccountStack();
    await createTables(s);
  });
  after(async () => {
    await s?.close();
  });

  void test('the gateway asked STS who its credentials are, once, at start', () => {
    const lookups = s.fake.received.filter(
      (c) => c.service === 'sts' && c.headers['user-agent'] === 'airlock-gateway (account lookup)',
    );
    assert.equal(lookups.length, 1);
    assert.equal(lookups[0]?.verified, 'ok');
    assert.match(s.gw.stderr(), new RegExp(`AWS account learned from the credentials.*${s.fake.accountId}`));
  });

  void test('a deny rule naming the account stops delete-item on prod; nothing reaches the upstream', async () => {
    const before = upstreamDeletes(s);
    const r = await deleteItem(s, 'prod');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /prod-items-stay/);
    assert.equal(upstreamDeletes(s), before, 'the denied DeleteItem never reached AWS');
  });

  void test('other tables pass', async () => {
    const before = upstreamDeletes(s);
    const r = await deleteItem(s, 'scratch');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(upstreamDeletes(s), before + 1);
  });

  void test('the recorded resources carry the real account, and where it came from', async () => {
    const requests = deleteRequests(await readJournalEvents(s.gw.dataDir, s.task.taskId));
    assert.equal(requests.length, 2);
    for (const [e, table] of requests.map((e, i) => [e, ['prod', 'scratch'][i]] as const)) {
      assert.deepEqual(e.data.actions, [
        {
          action: 'dynamodb:DeleteItem',
          resources: [`arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/${table}`],
        },
      ]);
      assert.equal(e.data.accountSource, 'credentials');
    }
  });
});

void describe('account rules while the account lookup fails', () => {
  let s: AccountStack;
  before(async () => {
    s = await startAccountStack({ stsFails: true });
    await createTables(s);
  });
  after(async () => {
    await s?.close();
  });

  void test('the lookup failed and the gateway says so', () => {
    assert.ok(s.fake.received.some((c) => c.service === 'sts' && c.status === 503));
    assert.match(s.gw.stderr(), /could not learn the AWS account of the credentials.*ServiceUnavailable/);
  });

  void test('the account-naming deny rule still applies: prod is denied, nothing reaches the upstream', async () => {
    const before = upstreamDeletes(s);
    const r = await deleteItem(s, 'prod');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.equal(upstreamDeletes(s), before);
  });

  void test('other tables still pass, recorded with the unknown account, not a wildcard', async () => {
    const before = upstreamDeletes(s);
    const r = await deleteItem(s, 'scratch');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(upstreamDeletes(s), before + 1);
    const requests = deleteRequests(await readJournalEvents(s.gw.dataDir, s.task.taskId));
    assert.deepEqual(
      requests.map((e) => [e.data.actions[0].resources[0], e.data.accountSource]),
      [
        [`arn:aws:dynamodb:us-east-1:${UNKNOWN_ACCOUNT}:table/prod`, 'unknown'],
        [`arn:aws:dynamodb:us-east-1:${UNKNOWN_ACCOUNT}:table/scratch`, 'unknown'],
      ],
    );
  });
});

void describe('an --account-id the credentials disagree with', () => {
  let s: AccountStack;
  before(async () => {
    s = await startAccountStack({ accountIdArg: '999999999999' });
  });
  after(async () => {
    await s?.close();
  });

  void test('calls are refused, naming both accounts, and nothing is forwarded', async () => {
    assert.match(s.gw.stderr(), /belong to another account than --account-id/);
    const before = s.fake.received.length;
    const r = await awsV1(['dynamodb', 'list-tables'], s.task.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccountMismatch/);
    assert.match(r.stderr, new RegExp(`${s.fake.accountId}.*999999999999`));
    assert.equal(s.fake.received.length, before);
  });
});
