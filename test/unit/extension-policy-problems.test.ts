import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyProblems } from '../../extension/policy/policy-problems';

const TYPO = `{
  "denyRules": [
    {
      "id": "no-org",
      "reason": "organization changes",
      "actions": ["organisations:Atach*", "organizations:Attach*"]
    }
  ]
}
`;

void test('a pattern that matches no AWS action is a warning under the pattern itself', () => {
  const problems = policyProblems(TYPO, '/w/.airlock/policy.json');
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.equal(p!.severity, 'warning');
  assert.deepEqual([p!.line, p!.column, p!.length], [5, 18, '"organisations:Atach*"'.length]);
  assert.equal(TYPO.split('\n')[5]!.slice(p!.column, p!.column + p!.length), '"organisations:Atach*"');
  assert.match(
    p!.message,
    /^denyRules\[0\]\.actions\[0\]: no AWS service has the IAM prefix "organisations"/,
  );
});

void test('a file the gateway would refuse is one error at its place; a good one has none', () => {
  const bad = TYPO.replace('"organizations:Attach*"', '"organizations-Attach*"');
  const problems = policyProblems(bad, '/w/.airlock/policy.json');
  assert.deepEqual(
    problems.map((p) => [p.severity, p.line, p.column]),
    [['error', 5, 42]],
  );
  assert.match(problems[0]!.message, /actions\[1\]: "organizations-Attach\*" is not an IAM action pattern/);
  assert.deepEqual(
    policyProblems(TYPO.replace('organisations:Atach*', 'organizations:Detach*'), 'p.json'),
    [],
  );
  assert.equal(policyProblems('{ "denyRules": [', 'p.json')[0]?.severity, 'error');
});
