import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BatchExecuteStatementCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { startFakeAws, type FakeAws } from '../fakes';
import { awsV1, boto3 } from '../support/aws-clients';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents, type LooseEvent } from '../support/journal';
import { sendSigned, type SentResponse } from '../support/signed-request';

/**
 * Batch calls are decided on every resource they name, through the real CLI-started gateway
 * and real clients: S3 DeleteObjects per key (from its XML body), PartiQL per statement and
 * table (from a tokenizer, not a regex), and a copy's source from a strictly read
 * x-amz-copy-source. What cannot be read with certainty is refused and never reaches AWS.
 */

const POLICY = {
  version: 1,
  denyRules: [
    {
      id: 'keep-secret-objects',
      reason: 'objects under secret/ are kept',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion'],
      resources: ['arn:aws:s3:::uploads/secret/*'],
    },
    {
      id: 'no-partiql-on-secret',
      reason: 'the secret table is off limits',
      actions: ['dynamodb:PartiQL*'],
      resources: ['arn:aws:dynamodb:*:*:table/secret', 'arn:aws:dynamodb:*:*:table/secret/index/*'],
    },
  ],
};

function sdkS3(env: Record<string, string>): S3Client {
  return new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    maxAttempts: 1,
  });
}

function sdkDynamo(env: Record<string, string>): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    },
    maxAttempts: 1,
  });
}

void describe('endpoint mode: batch calls are decided per key, per statement and per source', () => {
  let fake: FakeAws;
  let gw: GatewayProcess;
  let task: StartedTask;
  let dir: string;
  const env = (): Record<string, string> => task.env;

  /** Calls that reached the backend ("AWS") since `from`. */
  const reached = (from: number): string[] =>
    fake.received
      .slice(from)
      .filter((c) => c.backendReached)
      .map((c) => `${c.method} ${c.path} ${c.operation ?? ''}`);

  const lastRequest = async (operation: string): Promise<LooseEvent | undefined> =>
    (await readJournalEvents(gw.dataDir, task.taskId))
      .filter((e) => e.type === 'call.request' && e.data.operation === operation)
      .pop();

  /** Listed, not read: reading secret/ is denied by the policy under test. */
  const exists = async (key: string): Promise<boolean> => {
    const r = await awsV1(['s3api', 'list-objects-v2', '--bucket', 'uploads', '--prefix', key], env());
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout || '{}') as { Contents?: Array<{ Key: string }> };
    return (listed.Contents ?? []).some((o) => o.Key === key);
  };

  const put = async (key: string): Promise<void> => {
    const r = await awsV1(['s3api', 'put-object', '--bucket', 'uploads', '--key', key], env());
    assert.equal(r.code, 0, r.stderr);
  };

  const signed = (o: {
    method?: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
    service?: string;
  }): Promise<SentResponse> =>
    sendSigned({
      endpoint: env().AWS_ENDPOINT_URL ?? '',
      accessKeyId: env().AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env().AWS_SECRET_ACCESS_KEY ?? '',
      region: env().AWS_REGION ?? 'us-east-1',
      service: o.service ?? 's3',
      method: o.method ?? 'POST',
      path: o.path,
      ...(o.query ? { query: o.query } : {}),
      headers: o.headers ?? {},
      ...(o.body !== undefined ? { body: o.body } : {}),
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-batch-'));
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify(POLICY));
    fake = await startFakeAws();
    gw = await startGatewayProcess({
      upstream: fake.url,
      credentials: fake.credentials,
      args: ['--account-id', fake.accountId, '--policy', policyFile],
    });
    task = await startTask(gw, ['--name', 'batch task']);
    const mb = await awsV1(['s3', 'mb', 's3://uploads'], env());
    assert.equal(mb.code, 0, mb.stderr);
    for (const table of ['orders', 'secret']) {
      const r = await awsV1(
        [
          'dynamodb',
          'create-table',
          '--table-name',
          table,
          '--attribute-definitions',
          'AttributeName=pk,AttributeType=S',
          '--key-schema',
          'AttributeName=pk,KeyType=HASH',
          '--billing-mode',
          'PAY_PER_REQUEST',
        ],
        env(),
      );
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await gw?.dispose();
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('AWS CLI v1 delete-objects naming secret/a.txt is denied; nothing reaches AWS; both objects stay', async () => {
    await put('secret/a.txt');
    await put('public/b.txt');
    const from = fake.received.length;
    const r = await awsV1(
      [
        's3api',
        'delete-objects',
        '--bucket',
        'uploads',
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'public/b.txt' }, { Key: 'secret/a.txt' }] }),
      ],
      env(),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(r.stderr, /s3:DeleteObject on arn:aws:s3:::uploads\/secret\/a\.txt.*keep-secret-objects/);
    assert.deepEqual(reached(from), []);
    assert.equal(await exists('secret/a.txt'), true);
    assert.equal(await exists('public/b.txt'), true);
    const request = await lastRequest('DeleteObjects');
    assert.deepEqual(request?.data.actions, [
      {
        action: 's3:DeleteObject',
        resources: ['arn:aws:s3:::uploads/public/b.txt', 'arn:aws:s3:::uploads/secret/a.txt'],
      },
    ]);
  });

  void test('a batch of allowed keys goes through, recorded per key (AWS CLI v1, boto3, SDK v3)', async () => {
    for (const k of ['public/c.txt', 'public/d e+f.txt', 'public/g.txt', 'public/h.txt']) await put(k);
    let from = fake.received.length;
    const r = await awsV1(
      [
        's3api',
        'delete-objects',
        '--bucket',
        'uploads',
        '--delete',
        JSON.stringify({ Objects: [{ Key: 'public/c.txt' }, { Key: 'public/d e+f.txt' }] }),
      ],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(reached(from).length, 1, reached(from).join('\n'));
    assert.equal(await exists('public/c.txt'), false);
    assert.equal(await exists('public/d e+f.txt'), false);
    assert.deepEqual((await lastRequest('DeleteObjects'))?.data.actions, [
      {
        action: 's3:DeleteObject',
        resources: ['arn:aws:s3:::uploads/public/c.txt', 'arn:aws:s3:::uploads/public/d e+f.txt'],
      },
    ]);

    from = fake.received.length;
    const deleted = await boto3(
      `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/g.txt'}]})['Deleted']`,
      env(),
    );
    assert.deepEqual(deleted, [{ Key: 'public/g.txt' }]);
    assert.equal(reached(from).length, 1);

    const out = await sdkS3(env()).send(
      new DeleteObjectsCommand({ Bucket: 'uploads', Delete: { Objects: [{ Key: 'public/h.txt' }] } }),
    );
    assert.deepEqual(
      out.Deleted?.map((d) => d.Key),
      ['public/h.txt'],
    );
    assert.equal(await exists('public/h.txt'), false);
  });

  void test('boto3 and SDK v3 delete-objects naming a secret key are denied too', async () => {
    await put('secret/z.txt');
    const from = fake.received.length;
    await assert.rejects(
      boto3(
        `s3 = boto3.client('s3')\nresult = s3.delete_objects(Bucket='uploads', Delete={'Objects': [{'Key': 'public/x'}, {'Key': 'secret/z.txt', 'VersionId': 'null'}]})`,
        env(),
      ),
      /AccessDenied.*s3:DeleteObjectVersion on arn:aws:s3:::uploads\/secret\/z\.txt/s,
    );
    await assert.rejects(
      sdkS3(env()).send(
        new DeleteObjectsCommand({
          Bucket: 'uploads',
          Delete: { Objects: [{ Key: 'public/x' }, { Key: 'secret/z.txt' }] },
        }),
      ),
      (e: Error) => e.name === 'AccessDenied' && /uploads\/secret\/z\.txt/.test(e.message),
    );
    assert.deepEqual(reached(from), []);
    assert.equal(await exists('secret/z.txt'), true);
  });

  void test('a DeleteObjects body that cannot be read with certainty is refused with S3 codes, never forwarded', async () => {
    const body = (inner: string): string =>
      `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</Delete>`;
    const md5 = (b: string): string => createHash('md5').update(b).digest('base64');
    const cases: Array<[string, Record<string, string>, number, string]> = [
      // Two keys in one object: readers disagree on which one is deleted.
      [body('<Object><Key>public/x</Key><Key>secret/a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [body('<Object><Key>secret/<!-- -->a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [body('<Object><Key> secret/a.txt</Key></Object>'), {}, 400, 'MalformedXML'],
      [
        body('<Object><Key>public/x</Key></Object>'),
        { 'content-md5': md5('something else') },
        400,
        'BadDigest',
      ],
      ['not xml', {}, 400, 'MalformedXML'],
    ];
    for (const [xml, headers, status, code] of cases) {
      const from = fake.received.length;
      const res = await signed({ path: '/uploads', query: { delete: '' }, headers, body: xml });
      assert.equal(res.status, status, res.body);
      assert.match(res.body, new RegExp(`<Code>${code}</Code>`));
      assert.match(res.body, /Airlock refused this DeleteObjects/);
      assert.deepEqual(reached(from), [], xml);
    }
    assert.equal(await exists('secret/a.txt'), true);
    const events = await readJournalEvents(gw.dataDir, task.taskId);
    assert.ok(events.some((e) => e.type === 'call.error' && e.data.code === 'MalformedXML'));
  });

  void test('x-amz-copy-source: the read side is decided on the source; an ambiguous source is a 400', async () => {
    // Reading the source is denied: a copy out of secret/ is a read of secret/.
    let from = fake.received.length;
    let r = await awsV1(
      [
        's3api',
        'copy-object',
        '--bucket',
        'uploads',
        '--key',
        'public/copy.txt',
        '--copy-source',
        'uploads/secret/a.txt',
      ],
      env(),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /s3:GetObject on arn:aws:s3:::uploads\/secret\/a\.txt/);
    assert.deepEqual(reached(from), []);

    await put('public/src.txt');
    r = await awsV1(
      [
        's3api',
        'copy-object',
        '--bucket',
        'uploads',
        '--key',
        'public/copy.txt',
        '--copy-source',
        'uploads/public/src.txt',
      ],
      env(),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await lastRequest('CopyObject'))?.data.actions, [
      { action: 's3:PutObject', resources: ['arn:aws:s3:::uploads/public/copy.txt'] },
      { action: 's3:GetObject', resources: ['arn:aws:s3:::uploads/public/src.txt'] },
    ]);

    for (const source of ['//uploads/secret/a.txt', '/uploads/', 'uploads', 'uploads/a+b', 'uploads/%zz']) {
      from = fake.received.length;
      const res = await signed({
        method: 'PUT',
        path: '/uploads/public/copy2.txt',
        headers: { 'x-amz-copy-source': source, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      assert.equal(res.status, 400, `${source}: ${res.body}`);
      assert.match(res.body, /<Code>InvalidArgument<\/Code>/);
      assert.match(res.body, /x-amz-copy-source cannot be read with certainty/);
      assert.deepEqual(reached(from), [], source);
    }
  });

  void test('PartiQL: a deny on table secret stops statements that name it, however they are written', async () => {
    const statements = [
      'SELECT "FROM orders" FROM "secret"',
      'SELECT * FROM"secret"',
      `SELECT * FROM "secret" WHERE pk = 'FROM orders'`,
      '/* FROM "orders" */ DELETE FROM "secret" WHERE pk = \'a\'',
      `UPDATE "secret" SET v = 'INTO orders' WHERE pk = 'a'`,
      `INSERT INTO "secret" VALUE {'pk': 'FROM "orders"'}`,
    ];
    for (const statement of statements) {
      const from = fake.received.length;
      const r = await awsV1(['dynamodb', 'execute-statement', '--statement', statement], env());
      assert.notEqual(r.code, 0, statement);
      assert.match(r.stderr, /AccessDenied/, statement);
      assert.match(
        r.stderr,
        /dynamodb:PartiQL\w+ on arn:aws:dynamodb:us-east-1:\d{12}:table\/secret/,
        statement,
      );
      assert.deepEqual(reached(from), [], statement);
    }
    assert.deepEqual((await lastRequest('ExecuteStatement'))?.data.actions, [
      {
        action: 'dynamodb:PartiQLInsert',
        resources: [`arn:aws:dynamodb:us-east-1:${fake.accountId}:table/secret`],
      },
    ]);
  });

  void test('PartiQL: statements on allowed tables are forwarded, recorded on their table', async () => {
    const from = fake.received.length;
    // dynalite has no PartiQL: it answers with its own error, which proves the call reached it.
    await awsV1(
      ['dynamodb', 'execute-statement', '--statement', `SELECT * FROM "orders" WHERE pk = 'secret'`],
      env(),
    );
    assert.deepEqual(
      fake.received
        .slice(from)
        .filter((c) => c.backendReached)
        .map((c) => c.operation),
      ['ExecuteStatement'],
    );
    assert.deepEqual((await lastRequest('ExecuteStatement'))?.data.actions, [
      {
        action: 'dynamodb:PartiQLSelect',
        resources: [`arn:aws:dynamodb:us-east-1:${fake.accountId}:table/orders`],
      },
    ]);
  });

  void test('PartiQL batches and transactions: one statement on secret denies the whole call (SDK v3, boto3)', async () => {
    let from = fake.received.length;
    await assert.rejects(
      sdkDynamo(env()).send(
        new BatchExecuteStatementCommand({
          Statements: [
            { Statement: `SELECT * FROM "orders" WHERE pk = 'a'` },
            { Statement: `SELECT "FROM orders" FROM "secret" WHERE pk = 'a'` },
          ],
        }),
      ),
      (e: Error) => e.name === 'AccessDenied' && /table\/secret/.test(e.message),
    );
    assert.deepEqual(reached(from), []);
    assert.deepEqual((await lastRequest('BatchExecuteStatement'))?.data.actions, [
      {
        action: 'dynamodb:PartiQLSelect',
        resources: [
          `arn:aws:dynamodb:us-east-1:${fake.accountId}:table/orders`,
          `arn:aws:dynamodb:us-east-1:${fake.accountId}:table/secret`,
        ],
      },
    ]);

    from = fake.received.length;
    await assert.rejects(
      boto3(
        `ddb = boto3.client('dynamodb')\nresult = ddb.execute_transaction(TransactStatements=[{'Statement': "UPDATE \\"orders\\" SET v = 1 WHERE pk = 'a'"}, {'Statement': "DELETE FROM\\"secret\\" WHERE pk = 'a'"}])`,
        env(),
      ),
      /AccessDenied.*dynamodb:PartiQLDelete on arn:aws:dynamodb:us-east-1:\d{12}:table\/secret/s,
    );
    assert.deepEqual(reached(from), []);
  });

  void test('PartiQL: a statement the gateway cannot read is refused, never forwarded', async () => {
    const unreadable = [
      `SELECT * FROM "orders" WHERE pk = 'a`,
      'SELECT * FROM "orders"--x',
      'SELECT * FROM "orders" WHERE pk IN (SELECT pk FROM "secret")',
      'SELECT * FROM orders; SELECT * FROM secret',
      'SELECT * FROM `secret`',
    ];
    for (const statement of unreadable) {
      const from = fake.received.length;
      const r = await awsV1(['dynamodb', 'execute-statement', '--statement', statement], env());
      assert.notEqual(r.code, 0, statement);
      assert.match(r.stderr, /ValidationException/, statement);
      assert.match(r.stderr, /cannot tell for certain which table/, statement);
      assert.deepEqual(reached(from), [], statement);
    }
  });
});
