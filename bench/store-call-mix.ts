// The mix of calls in the synthetic store: mostly reads, some refusals, throttles, approvals and
// masked secrets, and a rare service and a rare word for the bench's needle-in-a-haystack queries.
import type { EventBody } from '../gateway/journal/events';
import { callId, decision, request, response } from './store-event-bodies';

/** The rare service, whose calls are spread over the whole store. */
export const RARE_SERVICE = 'kms';
/** A word that appears in exactly one call's response body. */
export const RARE_WORD = 'zanzibarquartz';
/** A word in most responses. */
export const COMMON_WORD = 'shipped';

/** One call's events; `rare` calls are the rare service, `n === wordAt` carries the rare word. */
export function call(n: number, rare: boolean, wordAt: number): EventBody[] {
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
