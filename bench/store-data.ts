// A synthetic store for the query bench (bench/store.ts): several tasks' journals written through
// the real journal writer, in the gateway's event format, with a realistic mix of calls.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBody } from '../gateway/journal/events';
import { Journal } from '../gateway/journal/journal';

/** How the calls are shared between tasks (the first, biggest, is what `show` is measured on). */
const TASK_SHARES = [0.34, 0.22, 0.16, 0.12, 0.1, 0.06];
/** Calls of the rare service, spread over the whole store. */
export const RARE_SERVICE = 'kms';
export const RARE_CALLS = 24;
/** A word that appears in exactly one call's response body. */
export const RARE_WORD = 'zanzibarquartz';
/** A word in most responses. */
export const COMMON_WORD = 'shipped';

export interface GeneratedStore {
  readonly tasks: readonly { readonly taskId: string; readonly calls: number }[];
  readonly calls: number;
  readonly events: number;
}

/** What the generator needs of the gateway: the journal, and optionally its summary writer. */
export interface StoreWriter {
  readonly journal: Journal;
  close(): Promise<void>;
}

const UA = 'aws-cli/1.32.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6';

function callId(n: number): string {
  return `c-${n.toString(36).padStart(8, '0')}-7d1e-4b8a-9c2f-3e5a6b7c8d9e`;
}

function request(
  n: number,
  service: string,
  operation: string,
  action: string,
  resource: string,
  params: Record<string, unknown>,
  extra: Partial<Record<string, unknown>> = {},
): EventBody {
  return {
    type: 'call.request',
    data: {
      callId: callId(n),
      arrival: n % 5 === 0 ? 'proxy' : 'endpoint',
      identity: n % 9 === 0 ? 'ci-bot' : 'dev',
      accessKeyId: 'AKALJHJZR3FMVRON6NCY',
      method: 'POST',
      target: '/',
      service,
      region: 'us-east-1',
      operation,
      protocol: 'json',
      actions: [{ action, resources: [resource] }],
      params,
      bodyBytes: 78,
      sourceIp: '127.0.0.1',
      userAgent: UA,
      ...extra,
    },
  };
}

function decision(n: number, allow: boolean, approvalId?: string): EventBody {
  return {
    type: 'call.decision',
    data: {
      callId: callId(n),
      decision: allow ? 'allow' : 'deny',
      reason: allow ? 'allowed by the scope of task "bench"' : 'iam:DeleteRole is outside the task scope',
      rule: allow ? undefined : 'scope',
      approvalId,
      waitedMs: approvalId ? 4200 : undefined,
    },
  };
}

function response(
  n: number,
  status: number,
  body: string,
  extra: Partial<Record<string, unknown>> = {},
): EventBody {
  return {
    type: 'call.response',
    data: {
      callId: callId(n),
      status,
      awsRequestId: `${n.toString(16).padStart(8, '0')}-REQ-ID-ABCDEFGHIJKLMNOPQRSTUV`,
      responseBytes: body.length,
      upstreamMs: 2.5 + (n % 13) / 10,
      gatewayMs: 0.3 + (n % 5) / 100,
      local: status === 403,
      contentType: 'application/x-amz-json-1.0',
      bodyFormat: 'json',
      bodyBytes: body.length,
      body,
      ...extra,
    },
  };
}

/** One call's events; `rare` calls are the rare service, `n === wordAt` carries the rare word. */
function call(n: number, rare: boolean, wordAt: number): EventBody[] {
  const table = `arn:aws:dynamodb:us-east-1:123456789012:table/orders-${n % 7}`;
  if (rare) {
    const key = `arn:aws:kms:us-east-1:123456789012:key/${(n % 97).toString(16).padStart(8, '0')}`;
    return [
      request(n, RARE_SERVICE, 'Decrypt', 'kms:Decrypt', key, { KeyId: key }),
      decision(n, true),
      response(n, 200, `{"KeyId":"${key}","Plaintext":"«airlock:masked:kms:Plaintext:0a1b2c»"}`, {
        masked: [{ where: 'response', field: 'Plaintext', source: 'catalogue', count: 1 }],
      }),
    ];
  }
  const kind = n % 200;
  if (kind < 4) {
    // Refused before deciding (a bad signature): one event, no request.
    return [
      {
        type: 'call.error',
        data: {
          callId: callId(n),
          arrival: 'endpoint',
          code: 'SignatureDoesNotMatch',
          message: 'signature mismatch',
        },
      },
    ];
  }
  if (kind < 10) {
    const role = `arn:aws:iam::123456789012:role/deploy-${n % 11}`;
    return [
      request(n, 'iam', 'DeleteRole', 'iam:DeleteRole', role, { RoleName: `deploy-${n % 11}` }),
      decision(n, false),
      response(n, 403, '', { errorCode: 'AccessDenied', local: true, body: undefined }),
    ];
  }
  if (kind < 12) {
    // Held for a human, approved.
    const approvalId = `ap-${n.toString(36)}`;
    const role = `arn:aws:iam::123456789012:role/app-${n % 13}`;
    return [
      request(n, 'iam', 'CreateRole', 'iam:CreateRole', role, { RoleName: `app-${n % 13}` }),
      {
        type: 'approval.requested',
        data: {
          approvalId,
          callId: callId(n),
          identity: 'dev',
          service: 'iam',
          operation: 'CreateRole',
          action: 'iam:CreateRole',
          resources: [role],
          summary: `Create IAM role app-${n % 13}`,
          params: { RoleName: `app-${n % 13}` },
          rule: { id: 'iam-writes', reason: 'IAM changes need a human' },
          expiresAt: '2030-01-01T00:00:00.000Z',
          timeoutSeconds: 300,
        },
      },
      {
        type: 'approval.decided',
        data: { approvalId, decision: 'approve-once', decidedBy: 'dev', waitedMs: 4200, attempts: 1 },
      },
      decision(n, true, approvalId),
      response(n, 200, `{"Role":{"RoleName":"app-${n % 13}","Arn":"${role}"}}`),
    ];
  }
  if (kind < 16) {
    return [
      request(n, 'dynamodb', 'PutItem', 'dynamodb:PutItem', table, { TableName: `orders-${n % 7}` }),
      decision(n, true),
      response(n, 400, '{"__type":"ThrottlingException","message":"Rate exceeded"}', {
        errorCode: 'ThrottlingException',
      }),
    ];
  }
  if (kind < 26) {
    const secret = `arn:aws:secretsmanager:us-east-1:123456789012:secret:db-${n % 5}`;
    return [
      request(n, 'secretsmanager', 'GetSecretValue', 'secretsmanager:GetSecretValue', secret, {
        SecretId: `db-${n % 5}`,
      }),
      decision(n, true),
      response(
        n,
        200,
        `{"Name":"db-${n % 5}","SecretString":"«airlock:masked:secretsmanager:SecretString:${(n * 7919).toString(16).slice(-12)}»"}`,
        { masked: [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }] },
      ),
    ];
  }
  if (kind < 42) {
    return [
      request(n, 'sts', 'GetCallerIdentity', 'sts:GetCallerIdentity', '*', {}),
      decision(n, true),
      response(
        n,
        200,
        '<GetCallerIdentityResponse><Account>123456789012</Account></GetCallerIdentityResponse>',
      ),
    ];
  }
  if (kind < 80) {
    const key = `arn:aws:s3:::builds-${n % 3}/artifacts/${n}.zip`;
    return [
      request(n, 's3', 'GetObject', 's3:GetObject', key, {
        Bucket: `builds-${n % 3}`,
        Key: `artifacts/${n}.zip`,
      }),
      decision(n, true),
      response(n, 200, '', { body: undefined, bodyStreamed: true, responseBytes: 1048576 + n }),
    ];
  }
  const word = n === wordAt ? RARE_WORD : COMMON_WORD;
  return [
    request(n, 'dynamodb', 'GetItem', 'dynamodb:GetItem', table, {
      TableName: `orders-${n % 7}`,
      Key: { id: { S: `order-${n}` } },
      ConsistentRead: true,
    }),
    decision(n, true),
    response(
      n,
      200,
      `{"Item":{"id":{"S":"order-${n}"},"total":{"N":"${(n * 37) % 10000}"},"status":{"S":"${word}"}}}`,
    ),
  ];
}

function taskStarted(taskId: string, i: number): EventBody {
  return {
    type: 'task.started',
    data: {
      taskId,
      name: `bench task ${i}`,
      accessKeyId: 'AKALJHJZR3FMVRON6NCY',
      startedBy: 'dev',
      expiresAt: '2030-01-01T00:00:00.000Z',
    },
  };
}

/**
 * Writes `calls` calls over six tasks, interleaved in batches (tasks that run at the same time,
 * the hardest case for time-ordered queries), then ends all but the first. `tail` more calls go
 * to the biggest task after the writer is closed with `closeWriter: false` semantics left to the
 * caller (see bench/store.ts: the recent bytes a crash leaves unsummarised).
 */
export async function generateStore(
  dataDir: string,
  calls: number,
  writer: StoreWriter,
  batchCalls = 1000,
): Promise<GeneratedStore> {
  const tasks = TASK_SHARES.map((share, i) => ({
    taskId: `t-bench-store-${i}`,
    calls: i === 0 ? 0 : Math.floor(calls * share),
  }));
  const first = tasks[0];
  if (!first) throw new Error('no tasks');
  first.calls = calls - tasks.slice(1).reduce((a, t) => a + t.calls, 0);
  const rareEvery = Math.max(1, Math.floor(calls / RARE_CALLS));
  // A GetItem call (see call(): n % 200 >= 80) about 61% of the way in.
  const wordAt = Math.floor((calls * 0.61) / 200) * 200 + 150;
  const j = writer.journal;
  let events = 0;
  for (const [i, t] of tasks.entries()) {
    await j.record(t.taskId, [taskStarted(t.taskId, i)]);
    events++;
  }
  const written = tasks.map(() => 0);
  let n = 0;
  while (n < calls) {
    for (const [i, t] of tasks.entries()) {
      const take = Math.min(batchCalls, t.calls - (written[i] ?? 0));
      if (take <= 0) continue;
      const batch: EventBody[] = [];
      for (let k = 0; k < take; k++, n++) batch.push(...call(n, n % rareEvery === rareEvery - 1, wordAt));
      written[i] = (written[i] ?? 0) + take;
      await j.record(t.taskId, batch);
      events += batch.length;
    }
  }
  for (const t of tasks.slice(1)) {
    await j.record(t.taskId, [{ type: 'task.ended', data: { taskId: t.taskId, reason: 'ended' } }]);
    events++;
  }
  const now = Date.now();
  await writeFile(
    join(dataDir, 'tasks.json'),
    JSON.stringify({
      tasks: tasks.map((t, i) => ({
        taskId: t.taskId,
        name: `bench task ${i}`,
        accessKeyId: `AKALBENCH${String(i).padStart(11, '0')}`,
        startedBy: 'dev',
        startedAt: new Date(now - 3600_000).toISOString(),
        expiresAt: '2030-01-01T00:00:00.000Z',
        endedAt: i === 0 ? undefined : new Date(now).toISOString(),
      })),
    }),
  );
  return { tasks, calls, events };
}

/** More calls on one task (after the summaries were last written: what a crash leaves behind). */
export async function appendCalls(
  journal: Journal,
  taskId: string,
  from: number,
  count: number,
): Promise<number> {
  const batch: EventBody[] = [];
  for (let n = from; n < from + count; n++) batch.push(...call(n, false, -1));
  await journal.record(taskId, batch);
  return batch.length;
}
