/**
 * Headers that change which operation a request is, beyond the ones identify reads: a Smithy
 * RPC v2 `smithy-protocol` header (the operation is then named by the path) next to an
 * `X-Amz-Target` or `Action`, and method override headers. Each is refused before deciding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import { ambiguityOf } from '../../gateway/aws/identify-ambiguity';
import { requestViewOf } from '../../gateway/pipeline/request-view';

function check(
  method: string,
  rawUrl: string,
  headers: Record<string, string>,
  signingName: string,
  body?: string,
): { operation: string | undefined; why: string | undefined } {
  const view = requestViewOf({
    method,
    rawUrl,
    rawHeaders: Object.entries(headers).flat(),
    ...(body !== undefined ? { body: Buffer.from(body) } : {}),
    signingName,
    region: 'us-east-1',
  });
  const id = identify(view);
  return { operation: id.operation, why: ambiguityOf(view, id) };
}

const CBOR = '/service/GraniteServiceVersion20100801/operation/DeleteAlarms';

void test('smithy-protocol next to an Action or a target is refused: the path names another operation', () => {
  // Identified as ListMetrics from the Action, while an RPC v2 reading runs DeleteAlarms (no body:
  // an operation whose input is all optional needs none).
  const action = check(
    'POST',
    `${CBOR}?Action=ListMetrics&Version=2010-08-01`,
    { 'smithy-protocol': 'rpc-v2-cbor' },
    'monitoring',
  );
  assert.equal(action.operation, 'ListMetrics');
  assert.match(action.why ?? '', /smithy-protocol/);
  const target = check(
    'POST',
    CBOR,
    {
      'smithy-protocol': 'rpc-v2-cbor',
      'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics',
      'content-type': 'application/x-amz-json-1.0',
    },
    'monitoring',
    '{}',
  );
  assert.equal(target.operation, 'ListMetrics');
  assert.match(target.why ?? '', /smithy-protocol/);
  const form = check(
    'POST',
    CBOR,
    { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/x-www-form-urlencoded' },
    'monitoring',
    'Action=ListMetrics&Version=2010-08-01',
  );
  assert.match(form.why ?? '', /smithy-protocol/);
  // Without it, the same JSON call is an ordinary one.
  const plain = check(
    'POST',
    '/',
    {
      'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics',
      'content-type': 'application/x-amz-json-1.0',
    },
    'monitoring',
    '{}',
  );
  assert.deepEqual(plain, { operation: 'ListMetrics', why: undefined });
});

void test('a method override header is refused, whatever the method', () => {
  for (const header of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override']) {
    const r = check('GET', '/2015-03-31/functions/prod', { [header]: 'DELETE' }, 'lambda');
    assert.equal(r.operation, 'GetFunction');
    assert.match(r.why ?? '', new RegExp(header.toLowerCase()));
  }
  assert.equal(check('GET', '/2015-03-31/functions/prod', {}, 'lambda').why, undefined);
});
