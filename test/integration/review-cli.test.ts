import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TaskReview } from '../../gateway/review/task-review';
import { awsV1, boto3 } from '../support/aws-clients';
import { resignBundle, unpackBundle } from '../support/bundle-forge';
import { startTask, type StartedTask } from '../support/gateway-process';
import { type Stack, startStack } from '../support/stack';
import { prepareResources, runSteps, SESSION_SCOPE, sessionFiles, sessionSteps } from './review-session';

/**
 * `airlock review` and `airlock policy suggest` on a session recorded from real clients through
 * the gateway, and the round trip: the suggested policy as the scope of a new task lets the same
 * commands through and refuses anything else.
 */
void describe('access review and least privilege from a recorded session', () => {
  let s: Stack;
  let files: Awaited<ReturnType<typeof sessionFiles>>;
  let task: StartedTask;
  let results: boolean[];
  before(async () => {
    s = await startStack();
    files = await sessionFiles();
    await prepareResources(s.task.env);
    task = await startTask(s.gw, ['--name', 'quarterly report', '--scope', files.scope]);
    results = await runSteps(sessionSteps(files.body), task.env, s.fake);
  });
  after(async () => {
    await s?.close();
    await files?.cleanup();
  });

  void test('the session ran as recorded: everything but the out-of-scope call went through', () => {
    assert.deepEqual(results, [true, true, true, true, true, true, true, true, true, true, false]);
  });

  const A = (): string => s.fake.accountId;
  const reviewOf = async (session: string): Promise<TaskReview> => {
    const r = await s.gw.cli(['review', session, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as TaskReview;
  };
  const expected = () => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DynamodbAccess',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: [`arn:aws:dynamodb:us-east-1:${A()}:table/orders`],
      },
      {
        Sid: 'IamAccess',
        Effect: 'Allow',
        Action: ['iam:GetRole'],
        Resource: [`arn:aws:iam::${A()}:role/deployer`],
      },
      // The copy read a.txt and tagged b.txt: the actions it needed beyond its name are here.
      {
        Sid: 'S3Access',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: ['arn:aws:s3:::reviews/reports/a.txt'],
      },
      { Sid: 'S3Access2', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::reviews'] },
      {
        Sid: 'S3Access3',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: ['arn:aws:s3:::reviews/reports/a.txt', 'arn:aws:s3:::reviews/reports/b.txt'],
      },
      {
        Sid: 'S3Access4',
        Effect: 'Allow',
        Action: ['s3:PutObjectTagging'],
        Resource: ['arn:aws:s3:::reviews/reports/b.txt'],
      },
      {
        Sid: 'SecretsmanagerAccess',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        // Secret ARNs end in six random characters; IAM's own advice is to match them with `??????`.
        Resource: [`arn:aws:secretsmanager:us-east-1:${A()}:secret:${s.fake.planted.secretName}-??????`],
      },
      {
        Sid: 'SqsAccess',
        Effect: 'Allow',
        Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: [`arn:aws:sqs:us-east-1:${A()}:jobs`],
      },
    ],
  });

  void test('review: identity, scope granted against used, unused grants, the refused call, masking', async () => {
    const review = await reviewOf(task.taskId);
    assert.equal(review.task.taskId, task.taskId);
    assert.equal(review.task.name, 'quarterly report');
    assert.ok(review.identity.startedBy && review.identity.startedBy.length > 0);
    assert.deepEqual(review.identity.callIdentities, [review.identity.startedBy]);
    assert.deepEqual(review.task.scope, SESSION_SCOPE);
    assert.deepEqual(
      { ...review.totals },
      {
        calls: 12,
        allowed: 11,
        denied: 1,
        asked: 0,
        undecided: 0,
        outsideScope: 1,
        refused: 0,
        unidentified: 0,
      },
    );
    assert.deepEqual(
      review.unusedGrants.map((g) => [g.statement, g.action, g.resource]),
      [
        ['Objects', 's3:DeleteObject', 'arn:aws:s3:::reviews/*'],
        ['Tables', 'dynamodb:Query', 'arn:aws:dynamodb:*:*:table/*'],
      ],
    );
    const queues = review.scope.grants.find((g) => g.statement === 'Queues');
    assert.deepEqual([queues?.matched, queues?.calls], [2, 2]);
    assert.deepEqual(
      review.judged.map((j) => [j.action, j.resources, j.verdict, j.outcome, j.rule, j.decidedBy]),
      [
        [
          'dynamodb:DeleteTable',
          [`arn:aws:dynamodb:us-east-1:${A()}:table/orders`],
          'deny',
          'denied',
          'scope',
          'gateway',
        ],
      ],
    );
    assert.match(review.judged[0]?.reason ?? '', /outside the scope of task "quarterly report"/);
    assert.deepEqual(
      review.outsideScope.map((o) => [o.action, o.resource, o.scopeDecision, o.outcome]),
      [['dynamodb:DeleteTable', `arn:aws:dynamodb:us-east-1:${A()}:table/orders`, 'ImplicitDeny', 'denied']],
    );
    assert.deepEqual(review.masked, {
      total: 1,
      byKind: { catalogue: 1 },
      fields: [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }],
    });
    assert.deepEqual(
      review.used.map((u) => [u.action, u.allowed, u.denied]),
      [
        ['dynamodb:DeleteTable', 0, 1],
        ['dynamodb:GetItem', 1, 0],
        ['dynamodb:PutItem', 1, 0],
        ['iam:GetRole', 1, 0],
        ['s3:GetObject', 2, 0],
        ['s3:ListBucket', 1, 0],
        ['s3:PutObject', 1, 0],
        ['s3:PutObject', 1, 0],
        ['s3:PutObjectTagging', 1, 0],
        ['secretsmanager:GetSecretValue', 1, 0],
        ['sqs:GetQueueUrl', 1, 0],
        ['sqs:SendMessage', 1, 0],
        ['sts:GetCallerIdentity', 1, 0],
      ],
    );
  });

  void test('review --markdown: the same facts as tables an auditor reads', async () => {
    const r = await s.gw.cli(['review', task.taskId, '--markdown']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Access review: quarterly report\n/);
    assert.match(
      r.stdout,
      /## Grants never used\n\n\| Statement \| Action \| Resource \|\n\| --- \| --- \| --- \|\n\| Objects \| s3:DeleteObject \| arn:aws:s3:::reviews\/\* \|\n\| Tables \| dynamodb:Query \|/,
    );
    assert.match(
      r.stdout,
      /\| dynamodb:DeleteTable \| arn:aws:dynamodb:us-east-1:\d{12}:table\/orders \| deny \| denied \| scope \| gateway \|/,
    );
    assert.match(r.stdout, /\| response \| SecretString \| catalogue \| 1 \|/);
  });

  void test('policy suggest: exact statements, real ARNs, checked by the evaluator', async () => {
    const r = await s.gw.cli(['policy', 'suggest', task.taskId]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected());
    assert.match(r.stderr, /8 statements, 10 actions, 1 resources with a wildcard/);
    assert.match(r.stderr, /10 allowed calls still allowed, 1 denied calls still denied/);
  });

  void test('policy suggest --generalise names: names become wildcards, account, region and type stay', async () => {
    const r = await s.gw.cli(['policy', 'suggest', task.taskId, '--generalise', 'names']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      Statement: { Sid: string; Action: string[]; Resource: string[] }[];
    };
    // Object actions on what were different keys now share one resource, so one statement.
    assert.deepEqual(doc.Statement.find((st) => st.Sid === 'S3Access')?.Action, [
      's3:GetObject',
      's3:PutObject',
      's3:PutObjectTagging',
    ]);
    const resources = doc.Statement.map((st) => [st.Sid, st.Resource]);
    assert.deepEqual(resources, [
      ['DynamodbAccess', [`arn:aws:dynamodb:us-east-1:${A()}:table/*`]],
      ['IamAccess', [`arn:aws:iam::${A()}:role/*`]],
      ['S3Access', ['arn:aws:s3:::*/*']],
      ['S3Access2', ['arn:aws:s3:::*']],
      ['SecretsmanagerAccess', [`arn:aws:secretsmanager:us-east-1:${A()}:secret:*`]],
      ['SqsAccess', [`arn:aws:sqs:us-east-1:${A()}:*`]],
    ]);
  });

  void test('round trip: the suggestion as a task scope lets the same session through, and nothing else', async () => {
    const out = join(files.dir, 'suggested.json');
    const r = await s.gw.cli(['policy', 'suggest', task.taskId, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const replay = await startTask(s.gw, ['--name', 'replay', '--scope', out]);
    assert.deepEqual(await runSteps(sessionSteps(files.body), replay.env, s.fake), results);
    const outside = await Promise.all([
      boto3(
        `try:\n    boto3.client('s3').get_object(Bucket='reviews', Key='reports/b.txt')\n    result = True\nexcept Exception:\n    result = False`,
        replay.env,
      ),
      awsV1(['dynamodb', 'delete-item', '--table-name', 'orders', '--key', '{"id":{"S":"r-1"}}'], replay.env),
      awsV1(['sqs', 'delete-queue', '--queue-url', `${replay.env.AWS_ENDPOINT_URL}/${A()}/jobs`], replay.env),
    ]);
    assert.equal(outside[0], false);
    assert.notEqual(outside[1].code, 0);
    assert.match(outside[1].stderr, /AccessDenied.*dynamodb:DeleteItem/s);
    assert.notEqual(outside[2].code, 0);
    const review = await reviewOf(replay.taskId);
    assert.deepEqual(review.unusedGrants, []);
    assert.deepEqual(review.judged.map((j) => [j.action, j.outcome, j.rule]).sort(), [
      ['dynamodb:DeleteItem', 'denied', 'scope'],
      ['dynamodb:DeleteTable', 'denied', 'scope'],
      ['s3:GetObject', 'denied', 'scope'],
      ['sqs:DeleteQueue', 'denied', 'scope'],
    ]);
  });

  void test('a bundle carries what the review needs: the imported review equals the local one', async () => {
    const file = join(files.dir, 'session.airlock');
    const ex = await s.gw.cli(['export', task.taskId, '-o', file]);
    assert.equal(ex.code, 0, ex.stderr);
    const fromFile = await reviewOf(file);
    const im = await s.gw.cli(['import', file, '--json']);
    assert.equal(im.code, 0, im.stderr);
    const session = (JSON.parse(im.stdout) as { session: string }).session;
    assert.match(session, new RegExp(`^${task.taskId}@`));
    const imported = await reviewOf(session);
    const local = await reviewOf(task.taskId);
    assert.deepEqual(imported, local);
    assert.deepEqual(fromFile, local);
    // The review travels in the signed header, as made here; reading the bundle shows that one.
    const { magic, lines } = unpackBundle(await readFile(file));
    assert.equal(magic, 'AIRLOCK-BUNDLE/2');
    assert.deepEqual((JSON.parse(lines[0] ?? '{}') as { review: unknown }).review, local);
    const suggested = await s.gw.cli(['policy', 'suggest', session]);
    assert.deepEqual(JSON.parse(suggested.stdout), expected());
  });

  void test('a bundle whose carried review was edited and re-signed is flagged, not shown', async () => {
    const file = join(files.dir, 'session.airlock');
    const forgedFile = join(files.dir, 'forged-review.airlock');
    const { bundle } = resignBundle(await readFile(file), undefined, (lines) => {
      const h = JSON.parse(lines[0] ?? '{}') as { review: TaskReview };
      // Hide the denials from a reviewer: the events still hold them.
      h.review = { ...h.review, judged: [], totals: { ...h.review.totals, denied: 0 } };
      return [JSON.stringify(h), ...lines.slice(1)];
    });
    await writeFile(forgedFile, bundle);
    const review = await s.gw.cli(['review', forgedFile, '--json']);
    assert.equal(review.code, 1);
    assert.match(review.stderr, /does not match its events \(differs in: totals, judged\)/);
    const verify = await s.gw.cli(['verify', forgedFile]);
    assert.equal(verify.code, 1);
    assert.match(verify.stderr, /\[review-mismatch\]/);
  });
});
