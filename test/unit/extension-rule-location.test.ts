import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateRule } from '../../extension/policy/rule-location';

const POLICY = `{
  "version": 1,
  "denyRules": [
    { "id": "no-org", "reason": "r", "actions": ["organizations:*"] }
  ],
  "askRules": [
    {
      "reason": "iam writes",
      "id": "iam-writes",
      "actions": ["iam:Create*"]
    }
  ],
  "maskRules": [{ "id": "mask-secrets", "reason": "r", "actions": ["secretsmanager:GetSecretValue"], "fields": ["SecretString"] }]
}
`;

void test('a rule id is found in whichever rule list holds it, at its "id" value', () => {
  assert.deepEqual(locateRule(POLICY, 'no-org'), { line: 4, column: 13 });
  assert.deepEqual(locateRule(POLICY, 'iam-writes'), { line: 9, column: 13 });
  assert.deepEqual(locateRule(POLICY, 'mask-secrets')?.line, 13);
  const line = POLICY.split('\n')[8]!;
  assert.equal(line.slice(12, 12 + '"iam-writes"'.length), '"iam-writes"');
});

void test('an id no rule has, or a file that does not parse, has no location', () => {
  assert.equal(locateRule(POLICY, 'iam'), undefined);
  assert.equal(locateRule(POLICY, 'iam writes'), undefined);
  assert.equal(locateRule('{ "askRules": [', 'iam-writes'), undefined);
  assert.equal(locateRule('[]', 'iam-writes'), undefined);
});
