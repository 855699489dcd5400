import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchExecuteStatementCommand } from '@aws-sdk/client-dynamodb';
import { awsV1, boto3 } from '../support/aws-clients';
import { batchSession, sdkDynamo } from './batch-session';

/**
 * PartiQL calls are decided on every statement and table they name (from a tokenizer, not a
 * regex), through the real CLI-started gateway and real clients. A statement the gateway cannot
 * read with certainty is refused and never reaches AWS.
 */
void describe('endpoint mode: PartiQL calls are decided per statement and per table', () => {
  const s = batchSession();
  const { env, reached, lastRequest } = s;

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
      const from = s.fake.received.length;
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
        resources: [`arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/secret`],
      },
    ]);
  });

  void test('PartiQL: statements on allowed tables are forwarded, recorded on their table', async () => {
    const from = s.fake.received.length;
    // dynalite has no PartiQL: it answers with its own error, which proves the call reached it.
    await awsV1(
      ['dynamodb', 'execute-statement', '--statement', `SELECT * FROM "orders" WHERE pk = 'secret'`],
      env(),
    );
    assert.deepEqual(
      s.fake.received
        .slice(from)
        .filter((c) => c.backendReached)
        .map((c) => c.operation),
      ['ExecuteStatement'],
    );
    assert.deepEqual((await lastRequest('ExecuteStatement'))?.data.actions, [
      {
        action: 'dynamodb:PartiQLSelect',
        resources: [`arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/orders`],
      },
    ]);
  });

  void test('PartiQL batches and transactions: one statement on secret denies the whole call (SDK v3, boto3)', async () => {
    let from = s.fake.received.length;
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
          `arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/orders`,
          `arn:aws:dynamodb:us-east-1:${s.fake.accountId}:table/secret`,
        ],
      },
    ]);

    from = s.fake.received.length;
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
      const from = s.fake.received.length;
      const r = await awsV1(['dynamodb', 'execute-statement', '--statement', statement], env());
      assert.notEqual(r.code, 0, statement);
      assert.match(r.stderr, /ValidationException/, statement);
      assert.match(r.stderr, /cannot tell for certain which table/, statement);
      assert.deepEqual(reached(from), [], statement);
    }
  });
});
