/**
 * Generated task sessions for the timeline's benchmark, screenshots and tests: an agent's calls in
 * bursts and pauses, mostly allowed, some denied by rule, some held for approval, some refused,
 * some failing at AWS, secrets masked. Deterministic for a seed; DOM-free and dependency-free so it
 * also runs inside the benchmark's browser page.
 */

import { TEMPLATES, type Template } from './webview-event-templates';
import { mulberry32 } from '../test/support/mulberry32';

export interface GeneratedEvent {
  readonly v: number;
  readonly task: string;
  readonly seq: number;
  readonly ts: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface GenerateOptions {
  readonly taskId?: string;
  readonly name?: string;
  readonly startMs?: number;
  /** Stop once this many events were produced (a call's events are never split). */
  readonly events?: number;
  /** Or stop after this many calls. */
  readonly calls?: number;
  readonly seed?: number;
  /** End with a call still waiting for approval. */
  readonly pendingAtEnd?: boolean;
  /** Write task.ended at the end. */
  readonly ended?: boolean;
  /** Mean pause between calls in ms (bursts are faster, "thinking" pauses longer). */
  readonly meanGapMs?: number;
}

const TOTAL_WEIGHT = TEMPLATES.reduce((n, t) => n + t.weight, 0);

function pick(r: () => number): Template {
  let x = r() * TOTAL_WEIGHT;
  for (const t of TEMPLATES) if ((x -= t.weight) < 0) return t;
  return TEMPLATES[0]!;
}

/** A generated session, in journal order. */
export function generateEvents(options: GenerateOptions = {}): GeneratedEvent[] {
  const taskId = options.taskId ?? 't-bench';
  const r = mulberry32(options.seed ?? 42);
  const maxEvents = options.events ?? Infinity;
  const maxCalls = options.calls ?? (options.events === undefined ? 50 : Infinity);
  const meanGap = options.meanGapMs ?? 900;
  const out: GeneratedEvent[] = [];
  let t = options.startMs ?? Date.UTC(2026, 10, 22, 13, 2, 11, 0);
  const push = (type: string, data: Record<string, unknown>, at = t): void => {
    out.push({ v: 1, task: taskId, seq: out.length + 1, ts: new Date(at).toISOString(), type, data });
  };
  push('task.started', {
    taskId,
    name: options.name ?? 'refactor orders export',
    accessKeyId: 'AKIAAIRLOCKEXAMPLE01',
    startedBy: 'dev',
    agent: 'claude-code',
    expiresAt: new Date(t + 8 * 3600_000).toISOString(),
  });
  let calls = 0;
  let approvals = 0;
  while (calls < maxCalls && out.length < maxEvents - 6) {
    // Bursts of quick calls, then a pause while the agent thinks.
    t += r() < 0.12 ? meanGap * (3 + r() * 9) : meanGap * r() * 0.6;
    calls++;
    const tpl = pick(r);
    const callId = `c-${calls.toString(36).padStart(5, '0')}`;
    push('call.request', {
      callId,
      arrival: r() < 0.85 ? 'endpoint' : 'proxy',
      identity: 'dev',
      accessKeyId: 'AKIAAIRLOCKEXAMPLE01',
      method: tpl.protocol === 'rest-xml' ? (tpl.operation === 'PutObject' ? 'PUT' : 'GET') : 'POST',
      target:
        tpl.protocol === 'rest-xml'
          ? `/${tpl.params.Bucket as string}/${(tpl.params.Key as string | undefined) ?? ''}`
          : '/',
      service: tpl.service,
      region: 'us-east-1',
      operation: tpl.operation,
      protocol: tpl.protocol,
      actions: [{ action: tpl.action, resources: [tpl.resource] }],
      params: tpl.params,
      bodyBytes: tpl.body?.length ?? 0,
      userAgent: 'aws-cli/2.17.0 Python/3.11 exec-env/claude-code',
      ...(tpl.body ? { body: tpl.body } : {}),
    });
    const gatewayMs = 0.3 + r() * 0.6;
    if (tpl.fate === 'deny') {
      push('call.decision', {
        callId,
        decision: 'deny',
        reason: `Airlock denied ${tpl.action}: destructive actions are not allowed for agents`,
        rule: 'no-destructive',
      });
      push(
        'call.response',
        { callId, status: 403, errorCode: 'AccessDenied', responseBytes: 310, gatewayMs, local: true },
        (t += 1),
      );
      continue;
    }
    if (tpl.fate === 'ask') {
      approvals++;
      const approvalId = `a-${approvals}`;
      push('approval.requested', {
        approvalId,
        callId,
        identity: 'dev',
        service: tpl.service,
        operation: tpl.operation,
        action: tpl.action,
        resources: [tpl.resource],
        summary: 'Create IAM role orders-api-exec trusted by lambda.amazonaws.com',
        params: tpl.params,
        rule: { id: 'ask-iam-writes', reason: 'IAM changes need a person' },
        expiresAt: new Date(t + 300_000).toISOString(),
        timeoutSeconds: 300,
      });
      const waitedMs = 4000 + r() * 20000;
      const approve = r() < 0.7;
      t += waitedMs;
      push('approval.decided', {
        approvalId,
        decision: approve ? 'approve-once' : 'deny',
        decidedBy: 'alice',
        reason: approve ? 'needed for the new function' : 'use the existing role',
        waitedMs,
        attempts: 1,
      });
      push('call.decision', {
        callId,
        decision: approve ? 'allow' : 'deny',
        reason: approve ? 'approved by alice' : 'denied by alice',
        rule: 'ask-iam-writes',
        approvalId,
        waitedMs,
      });
      push(
        'call.response',
        approve
          ? {
              callId,
              status: 200,
              awsRequestId: `req-${calls}`,
              responseBytes: 812,
              upstreamMs: 120 + r() * 80,
              gatewayMs,
              local: false,
            }
          : { callId, status: 403, errorCode: 'AccessDenied', responseBytes: 290, gatewayMs, local: true },
        (t += 150),
      );
      continue;
    }
    if (r() < 0.004) {
      // A client with a stale key: refused before anything is known about the call.
      out.pop();
      push('call.error', {
        callId,
        arrival: 'endpoint',
        code: 'InvalidClientTokenId',
        message: 'The access key is not a task key of this gateway',
        accessKeyId: 'AKIAOLDKEYEXAMPLE999',
      });
      continue;
    }
    push('call.decision', { callId, decision: 'allow', reason: 'allowed by the task scope', rule: 'scope' });
    const upstreamMs = 18 + r() * 140;
    const failed = tpl.fate === 'notfound';
    push(
      'call.response',
      {
        callId,
        status: failed ? 404 : 200,
        ...(failed ? { errorCode: 'NoSuchKey' } : {}),
        awsRequestId: `${(calls * 2654435761).toString(16).toUpperCase().padStart(8, '0')}EXAMPLE`,
        responseBytes: 200 + Math.floor(r() * 40_000),
        upstreamMs,
        gatewayMs,
        local: false,
        ...(tpl.response ? { body: tpl.response } : {}),
        ...(tpl.fate === 'mask'
          ? {
              masked: [
                {
                  where: 'response',
                  field: 'SecretString',
                  source: 'catalogue',
                  count: 1,
                  recordingOnly: true,
                },
              ],
            }
          : {}),
      },
      (t += upstreamMs),
    );
  }
  if (options.pendingAtEnd) {
    t += meanGap;
    const callId = `c-${(++calls).toString(36).padStart(5, '0')}`;
    const tpl = TEMPLATES.find((x) => x.fate === 'ask')!;
    push('call.request', {
      callId,
      arrival: 'endpoint',
      identity: 'dev',
      accessKeyId: 'AKIAAIRLOCKEXAMPLE01',
      method: 'POST',
      target: '/',
      service: tpl.service,
      region: 'us-east-1',
      operation: tpl.operation,
      protocol: tpl.protocol,
      actions: [{ action: tpl.action, resources: [tpl.resource] }],
      params: tpl.params,
    });
    push('approval.requested', {
      approvalId: 'a-pending',
      callId,
      identity: 'dev',
      service: tpl.service,
      operation: tpl.operation,
      action: tpl.action,
      resources: [tpl.resource],
      summary: 'Create IAM role orders-api-exec trusted by lambda.amazonaws.com',
      params: tpl.params,
      rule: { id: 'ask-iam-writes', reason: 'IAM changes need a person' },
      expiresAt: new Date(t + 300_000).toISOString(),
      timeoutSeconds: 300,
    });
  }
  if (options.ended) push('task.ended', { taskId, reason: 'ended' }, (t += 2000));
  return out;
}
