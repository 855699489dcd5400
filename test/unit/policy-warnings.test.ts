import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamActionNames } from '../../gateway/aws/iam-action-names';
import { policyWarnings } from '../../gateway/policy-file/policy-warnings';
import { loadPolicyText } from '../../gateway/policy-file';
import { DEFAULT_POLICY_DOCUMENT } from '../../gateway/policy-file/default-policy';

const names = iamActionNames();

const POLICY = `{
  "version": 1,
  "denyRules": [
    {
      "id": "no-org",
      "reason": "organization changes",
      "actions": ["organisations:Atach*", "organizations:Atach*", "organizations:AttachPolicy", "iam:*"]
    }
  ],
  "askRules": [
    {
      "id": "prod",
      "reason": "prod buckets",
      "actions": ["s3:Delete*", "*:Delete*", "*:Dleete*"],
      "resources": ["arn:aws:s3:::prod-*", "arn:aws:s4:::prod-*", "arn:amazon:s3:::x", "arn:*:*:*:*:*"]
    }
  ]
}
`;

void test('the generated action names are there and hold the reference', () => {
  assert.ok(names, 'gateway/aws/iam-actions.generated.json loads (node scripts/gen-iam-actions.mjs)');
  assert.ok(names.actionsOf('organizations')?.includes('AttachPolicy'));
  assert.ok(names.actionsOf('IAM')?.includes('AttachRolePolicy'));
  assert.equal(names.actionsOf('organisations'), undefined);
  assert.ok(names.arnServices.has('s3') && names.arnServices.has('execute-api'));
});

void test('an action pattern or ARN that matches nothing known is a warning on its line', () => {
  assert.doesNotThrow(() => loadPolicyText(POLICY, 'policy.json'), 'the file itself is valid');
  const warnings = policyWarnings(POLICY, names);
  assert.deepEqual(
    warnings.map((w) => [w.path, w.position?.line]),
    [
      ['denyRules[0].actions[0]', 7],
      ['denyRules[0].actions[1]', 7],
      ['askRules[0].actions[2]', 14],
      ['askRules[0].resources[1]', 15],
      ['askRules[0].resources[2]', 15],
    ],
  );
  const [prefix, action, anyService, arn, partition] = warnings.map((w) => w.message);
  assert.match(
    prefix!,
    /no AWS service has the IAM prefix "organisations" \(did you mean "organizations"\?\)/,
  );
  assert.match(
    action!,
    /"organizations:Atach\*" matches no organizations action \(did you mean "organizations:Attach/,
  );
  assert.match(anyService!, /"\*:Dleete\*" matches no action/);
  assert.match(arn!, /no AWS service names its ARNs "s4"/);
  assert.match(partition!, /"amazon" is not an AWS partition/);
  assert.equal(warnings[0]!.position?.column, 19, 'the column of the pattern itself');
});

void test('the built-in policy has no warnings; nothing is said without the names or a parsable text', () => {
  assert.deepEqual(policyWarnings(JSON.stringify(DEFAULT_POLICY_DOCUMENT, null, 2), names), []);
  assert.deepEqual(policyWarnings(POLICY, undefined), []);
  assert.deepEqual(policyWarnings('{ "denyRules": [', names), []);
});
