import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { startFakeAws, type FakeAws } from '../fakes';
import { awsV1, sdkConfig } from '../support/aws-clients';
import {
  type GatewayProcess,
  startGatewayProcess,
  startTask,
  type StartedTask,
} from '../support/gateway-process';
import { readJournalEvents, type LooseEvent } from '../support/journal';
import { sendSigned, type SentResponse } from '../support/signed-request';

// What the batch-call tests share: a CLI-started gateway over the fake AWS, with a policy that
// keeps uploads/secret/* and the table "secret", a bucket and two tables, and the readings the
// tests take of what reached "AWS" and what the journal holds.

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

export function sdkS3(env: Record<string, string>): S3Client {
  return new S3Client({ ...sdkConfig(env), forcePathStyle: true });
}

export function sdkDynamo(env: Record<string, string>): DynamoDBClient {
  return new DynamoDBClient(sdkConfig(env));
}

interface SignedCall {
  method?: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
}

export interface BatchSession {
  readonly fake: FakeAws;
  readonly gw: GatewayProcess;
  readonly task: StartedTask;
  readonly env: () => Record<string, string>;
  /** Calls that reached the backend ("AWS") since `from`. */
  readonly reached: (from: number) => string[];
  readonly lastRequest: (operation: string) => Promise<LooseEvent | undefined>;
  /** Listed, not read: reading secret/ is denied by the policy under test. */
  readonly exists: (key: string) => Promise<boolean>;
  readonly put: (key: string) => Promise<void>;
  readonly signed: (o: SignedCall) => Promise<SentResponse>;
}

/** Registers the session's set-up and tear-down on the calling describe; use it inside tests. */
export function batchSession(): BatchSession {
  let fake: FakeAws | undefined;
  let gw: GatewayProcess | undefined;
  let task: StartedTask | undefined;
  let dir: string | undefined;
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the batch session was used before its set-up');
    return v;
  };
  const env = (): Record<string, string> => must(task).env;

  const reached = (from: number): string[] =>
    must(fake)
      .received.slice(from)
      .filter((c) => c.backendReached)
      .map((c) => `${c.method} ${c.path} ${c.operation ?? ''}`);

  const lastRequest = async (operation: string): Promise<LooseEvent | undefined> =>
    (await readJournalEvents(must(gw).dataDir, must(task).taskId))
      .filter((e) => e.type === 'call.request' && e.data.operation === operation)
      .pop();

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

  const signed = (o: SignedCall): Promise<SentResponse> =>
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

  return {
    get fake() {
      return must(fake);
    },
    get gw() {
      return must(gw);
    },
    get task() {
      return must(task);
    },
    env,
    reached,
    lastRequest,
    exists,
    put,
    signed,
  };
}
