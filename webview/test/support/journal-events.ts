/**
 * Hand-written journal events typed with the gateway's own `JournalEvent`, so a change of the
 * recording format that the timeline does not follow breaks type-checking here.
 */
import type { EventBody, JournalEvent } from '../../../gateway/journal/events';

export function journal(
  taskId: string,
  startMs: number,
  bodies: readonly (EventBody & { at?: number })[],
): JournalEvent[] {
  return bodies.map((b, i) => ({
    v: 1,
    task: taskId,
    seq: i + 1,
    ts: new Date(startMs + (b.at ?? i * 1000)).toISOString(),
    prev: '0'.repeat(64),
    hash: 'f'.repeat(64),
    type: b.type,
    data: b.data,
  })) as JournalEvent[];
}

export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

/** A small session: an allowed call, a denied one, an approved one, a refused one and a pending one. */
export function smallSession(taskId = 't-1'): JournalEvent[] {
  const req = (
    callId: string,
    service: string,
    operation: string,
    action: string,
    resource: string,
    at: number,
  ): EventBody & { at: number } => ({
    at,
    type: 'call.request',
    data: {
      callId,
      arrival: 'endpoint',
      identity: 'dev',
      accessKeyId: 'AKIAAIRLOCKTEST00001',
      method: 'POST',
      target: '/',
      service,
      region: 'us-east-1',
      operation,
      protocol: 'query',
      actions: [{ action, resources: [resource] }],
      params: {},
    },
  });
  return journal(taskId, T0, [
    {
      at: 0,
      type: 'task.started',
      data: {
        taskId,
        name: 'deploy api',
        accessKeyId: 'AKIAAIRLOCKTEST00001',
        startedBy: 'dev',
        expiresAt: new Date(T0 + 3600_000).toISOString(),
        agent: 'claude-code',
      },
    },
    req('c-1', 'sts', 'GetCallerIdentity', 'sts:GetCallerIdentity', '*', 1000),
    {
      at: 1000,
      type: 'call.decision',
      data: { callId: 'c-1', decision: 'allow', reason: 'task has no scope' },
    },
    {
      at: 1010,
      type: 'call.response',
      data: {
        callId: 'c-1',
        status: 200,
        awsRequestId: 'req-1',
        responseBytes: 400,
        upstreamMs: 8,
        gatewayMs: 0.5,
        local: false,
      },
    },
    req('c-2', 'iam', 'DeleteRole', 'iam:DeleteRole', 'arn:aws:iam::123456789012:role/old', 2000),
    {
      at: 2000,
      type: 'call.decision',
      data: {
        callId: 'c-2',
        decision: 'deny',
        reason: 'Airlock denied iam:DeleteRole: destructive',
        rule: 'no-destructive',
      },
    },
    {
      at: 2001,
      type: 'call.response',
      data: {
        callId: 'c-2',
        status: 403,
        errorCode: 'AccessDenied',
        responseBytes: 0,
        gatewayMs: 0.4,
        local: true,
      },
    },
    req('c-3', 'iam', 'CreateRole', 'iam:CreateRole', 'arn:aws:iam::123456789012:role/new', 3000),
    {
      at: 3000,
      type: 'approval.requested',
      data: {
        approvalId: 'a-1',
        callId: 'c-3',
        identity: 'dev',
        service: 'iam',
        operation: 'CreateRole',
        action: 'iam:CreateRole',
        resources: ['arn:aws:iam::123456789012:role/new'],
        summary: 'Create IAM role new',
        params: {},
        rule: { id: 'ask-iam', reason: 'IAM writes need a person' },
        expiresAt: new Date(T0 + 303_000).toISOString(),
        timeoutSeconds: 300,
      },
    },
    {
      at: 9000,
      type: 'approval.decided',
      data: {
        approvalId: 'a-1',
        decision: 'approve-once',
        decidedBy: 'alice',
        client: {
          declared: 'airlock-cli approve pid=4242 ppid=4000 tty=/dev/pts/1 user=alice',
          address: '127.0.0.1:50000',
          process: { pid: 4242, command: 'node airlock approve a-1' },
        },
        reason: 'ok',
        waitedMs: 6000,
        attempts: 1,
      },
    },
    {
      at: 9000,
      type: 'call.decision',
      data: {
        callId: 'c-3',
        decision: 'allow',
        reason: 'approved by alice',
        rule: 'ask-iam',
        approvalId: 'a-1',
        waitedMs: 6000,
      },
    },
    {
      at: 9100,
      type: 'call.response',
      data: { callId: 'c-3', status: 200, responseBytes: 900, upstreamMs: 90, gatewayMs: 0.6, local: false },
    },
    {
      at: 10000,
      type: 'call.error',
      data: {
        arrival: 'endpoint',
        code: 'InvalidClientTokenId',
        message: 'unknown key',
        accessKeyId: 'AKIAOLD',
      },
    },
    req('c-4', 'iam', 'PutRolePolicy', 'iam:PutRolePolicy', 'arn:aws:iam::123456789012:role/new', 11000),
    {
      at: 11000,
      type: 'approval.requested',
      data: {
        approvalId: 'a-2',
        callId: 'c-4',
        identity: 'dev',
        service: 'iam',
        operation: 'PutRolePolicy',
        action: 'iam:PutRolePolicy',
        resources: ['arn:aws:iam::123456789012:role/new'],
        summary: 'Attach an inline policy to role new',
        params: {},
        rule: { id: 'ask-iam', reason: 'IAM writes need a person' },
        expiresAt: new Date(T0 + 311_000).toISOString(),
        timeoutSeconds: 300,
      },
    },
  ]);
}
