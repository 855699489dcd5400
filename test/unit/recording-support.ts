import type { EventBody } from '../../gateway/journal/events';

/** A realistic call as the pipeline records it: request, decision, response. */
export function callEvents(
  n: number,
  o: {
    service?: string;
    operation?: string;
    action?: string;
    decision?: 'allow' | 'deny';
    status?: number;
    identity?: string;
    body?: string;
  } = {},
): EventBody[] {
  const callId = `call-${n}`;
  const service = o.service ?? 'dynamodb';
  const operation = o.operation ?? 'GetItem';
  const decision = o.decision ?? 'allow';
  return [
    {
      type: 'call.request',
      data: {
        callId,
        arrival: 'endpoint',
        identity: o.identity ?? 'dev',
        accessKeyId: 'AKIAAIRLOCKTEST00001',
        method: 'POST',
        target: '/',
        service,
        region: 'us-east-1',
        operation,
        protocol: 'json',
        actions: [
          {
            action: o.action ?? `${service}:${operation}`,
            resources: [`arn:aws:${service}:us-east-1:123456789012:table/orders`],
          },
        ],
        params: { TableName: 'orders', Key: { id: { S: `o-${n}` } } },
        bodyBytes: 60,
        sourceIp: '127.0.0.1',
        userAgent: 'aws-cli/1.0',
      },
    },
    {
      type: 'call.decision',
      data: {
        callId,
        decision,
        reason: decision === 'allow' ? 'allowed by the scope' : 'outside the scope',
        rule: 'scope',
      },
    },
    {
      type: 'call.response',
      data: {
        callId,
        status: decision === 'deny' ? 403 : (o.status ?? 200),
        awsRequestId: `rid-${n}`,
        errorCode: decision === 'deny' ? 'AccessDenied' : undefined,
        responseBytes: 120,
        upstreamMs: 3.2,
        gatewayMs: 0.4,
        local: decision === 'deny',
        contentType: 'application/x-amz-json-1.0',
        bodyFormat: 'json',
        bodyBytes: 120,
        body: o.body ?? `{"Item":{"id":{"S":"o-${n}"},"total":{"N":"${n}"}}}`,
      },
    },
  ];
}

export function taskStarted(taskId: string, name = 'test task', scope?: unknown): EventBody {
  return {
    type: 'task.started',
    data: {
      taskId,
      name,
      accessKeyId: 'AKIAAIRLOCKTEST00001',
      startedBy: 'dev',
      expiresAt: '2030-01-01T00:00:00.000Z',
      scope,
    },
  };
}
