/** Request JSON nested deeper than the gateway reads is refused, never half-read or recorded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_JSON_DEPTH, nestsDeeper } from '../../gateway/aws/json-depth';
import { parseJsonObject } from '../../gateway/aws/params';
import { jsonBodyProblem } from '../../gateway/aws/params-json-check';
import { canonicalJson } from '../../gateway/journal/canonical-json';
import { check, DDB, FORM } from './support/ambiguity-check';

/** An object whose `a` holds arrays nested so that the whole text nests `depth` levels. */
const nested = (depth: number): Buffer =>
  Buffer.from(`{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`);

/** A DynamoDB item `levels` map attributes deep, as an SDK sends it. */
function deepItem(levels: number): Buffer {
  let value = '{"S":"leaf"}';
  for (let i = 0; i < levels; i++) value = `{"M":{"k${i}":${value}}}`;
  return Buffer.from(`{"TableName":"t","Item":{"id":${value}}}`);
}

void test('nesting is counted to the limit and one past it; brackets in strings do not count', () => {
  assert.equal(nestsDeeper(nested(MAX_JSON_DEPTH)), false);
  assert.equal(nestsDeeper(nested(MAX_JSON_DEPTH + 1)), true);
  const inStrings = `{"a":"${'['.repeat(600)}","b":"\\"${'{'.repeat(600)}\\\\","c":[1]}`;
  assert.equal(nestsDeeper(Buffer.from(inStrings)), false);
  assert.deepEqual(Object.keys(parseJsonObject(Buffer.from(inStrings)) ?? {}), ['a', 'b', 'c']);
});

void test('parseJsonObject reads a body at the limit and nothing of one past it', () => {
  const atLimit = parseJsonObject(nested(MAX_JSON_DEPTH));
  assert.ok(atLimit && Array.isArray(atLimit.a));
  // Whatever reads params can take the deepest body the gateway accepts.
  assert.ok(canonicalJson(atLimit).startsWith('{"a":[['));
  assert.equal(parseJsonObject(nested(MAX_JSON_DEPTH + 1)), undefined);
  assert.equal(parseJsonObject(nested(5000)), undefined);
});

void test('an operation that reads its JSON body refuses one nested too deep, whatever its content type', () => {
  const put = { ...DDB, 'x-amz-target': 'DynamoDB_20120810.PutItem' };
  // DynamoDB's own limit is 32 levels of attributes: read as ever.
  const deepest = check({ headers: put, body: deepItem(32), signingName: 'dynamodb' });
  assert.equal(deepest.id.operation, 'PutItem');
  assert.equal(deepest.why, undefined);
  const tooDeep = check({ headers: put, body: nested(5000), signingName: 'dynamodb' });
  assert.equal(tooDeep.id.operation, 'PutItem');
  assert.match(tooDeep.why ?? '', new RegExp(`nests deeper than ${MAX_JSON_DEPTH} levels`));
  // Nothing of it reaches the params that would be decided on and recorded.
  assert.deepEqual(tooDeep.id.params, {});
  // A form content type (read as a query by REST search APIs) does not pass a too-deep JSON body.
  for (const headers of [FORM, { 'content-type': 'application/json' }]) {
    const create = { method: 'POST', path: '/2015-03-31/functions', headers, signingName: 'lambda' };
    const { id, why } = check({ ...create, body: nested(5000) });
    assert.equal(id.operation, 'CreateFunction');
    assert.match(why ?? '', /nests deeper/, headers['content-type']);
    assert.equal(check({ ...create, body: Buffer.from('{"FunctionName":"f"}') }).why, undefined);
  }
  assert.match(jsonBodyProblem(nested(MAX_JSON_DEPTH + 1)) ?? '', /nests deeper/);
  assert.equal(jsonBodyProblem(nested(MAX_JSON_DEPTH)), undefined);
});
