// The journal events one synthetic call is made of, in the gateway's event format (bench/store-data.ts).
import type { EventBody } from '../gateway/journal/events';

const UA = 'aws-cli/1.32.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6';

export function callId(n: number): string {
  return `c-${n.toString(36).padStart(8, '0')}-7d1e-4b8a-9c2f-3e5a6b7c8d9e`;
}

export function request(
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

export function decision(n: number, allow: boolean, approvalId?: string): EventBody {
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

export function response(
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

export function taskStarted(taskId: string, i: number): EventBody {
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
