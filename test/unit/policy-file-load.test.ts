import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_POLICY_DOCUMENT,
  defaultPolicy,
  loadPolicyText,
  PolicyFileError,
} from '../../gateway/policy-file';

const FILE = '/ws/.airlock/policy.json';

function refused(doc: unknown): PolicyFileError {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  try {
    loadPolicyText(text, FILE);
  } catch (e) {
    if (e instanceof PolicyFileError) return e;
    throw e;
  }
  assert.fail(`accepted: ${text}`);
}

const rule = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'r1',
  reason: 'because',
  actions: ['iam:Create*'],
  ...extra,
});

void test('an empty policy means no rules, deny out of scope, ask about unidentified calls, the default timeout', () => {
  const p = loadPolicyText('{}', FILE);
  assert.deepEqual(p.policy, {
    version: 1,
    denyRules: [],
    askRules: [],
    maskRules: [],
    groups: {},
    scopeTemplates: {},
    outOfScope: 'deny',
    unknownOperations: 'ask',
    approvalTimeoutSeconds: DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  });
  assert.equal(p.source.kind, 'file');
  assert.ok(DEFAULT_APPROVAL_TIMEOUT_SECONDS < 60, 'must fit inside the AWS CLI read timeout');
});

void test('each refusal names file, line, column, element and what is wrong', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ denyRule: [] }, /:2:3: denyRule: unknown setting "denyRule" \(did you mean "denyRules"\?\)/],
    [{ denyRules: {} }, /:2:16: denyRules: denyRules must be a list of rules/],
    [
      { denyRules: [rule({ actions: ['iam-Create*'] })] },
      /:7:9: denyRules\[0\]\.actions\[0\]: "iam-Create\*" is not an IAM action pattern/,
    ],
    [{ denyRules: [rule({ actions: [] })] }, /denyRules\[0\]\.actions: actions must not be an empty list/],
    [{ askRules: [rule({ id: 'has space' })] }, /askRules\[0\]\.id: rule id "has space" must be/],
    [{ askRules: [rule(), rule()] }, /askRules\[1\]\.id: rule id "r1" is already used by askRules\[0\]/],
    [{ askRules: [{ id: 'x', actions: ['s3:*'] }] }, /askRules\[0\]: rule "x" needs a "reason"/],
    [
      { askRules: [rule({ resources: ['prod-bucket'] })] },
      /askRules\[0\]\.resources\[0\]: "prod-bucket" is not an ARN pattern/,
    ],
    [
      { askRules: [rule({ conditions: { StringLik: { 'aws:RequestedRegion': 'eu-west-1' } } })] },
      /askRules\[0\]\.conditions\.StringLik: unknown operator StringLik/,
    ],
    [
      { askRules: [rule({ Actions: ['s3:*'] })] },
      /askRules\[0\]\.Actions: unknown rule property "Actions" \(did you mean "actions"\?\)/,
    ],
    [{ outOfScope: 'allow' }, /outOfScope: outOfScope must be "deny" or "ask"/],
    [
      { unknownOperations: 'allow' },
      /unknownOperations: unknownOperations must be "ask" or "deny" \(an unidentified call is never allowed\), not string "allow"/,
    ],
    [
      { approvalTimeoutSeconds: 0 },
      /approvalTimeoutSeconds: approvalTimeoutSeconds must be a whole number from 1 to 3600/,
    ],
    [{ approvalTimeoutSeconds: 12.5 }, /approvalTimeoutSeconds/],
    [{ version: 2 }, /version: this gateway reads policy version 1, not number 2/],
    [
      { scopeTemplates: { ro: { Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'nope' }] } } },
      /scopeTemplates\.ro\.Statement\[0\]\.Resource: "nope" is neither "\*" nor an ARN pattern/,
    ],
    [
      { scopeTemplates: { 'read-only': { Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] } } },
      /scopeTemplates\["read-only"\]\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/,
    ],
    [
      { maskRules: [{ id: 'm' }] },
      /maskRules\[0\]: mask rule "m" must name "fields", "jsonPaths" or a "pattern"/,
    ],
    [{ maskRules: [{ id: 'm', pattern: '(' }] }, /maskRules\[0\]\.pattern: not a valid regular expression/],
    [
      { maskRules: [{ id: 'm', fields: 'Value', mode: 'hide' }] },
      /maskRules\[0\]\.mode: mode must be "mask" or "recording-only"/,
    ],
    [
      { maskRules: [{ id: 'm', jsonPaths: ['Parameter.Value'] }] },
      /maskRules\[0\]\.jsonPaths\[0\]: "Parameter\.Value" is not a JSON path/,
    ],
    [{ groups: { ops: ['group:admins'] } }, /groups\.ops\[0\]: groups cannot contain groups/],
    [[], /:1:1: the workspace policy must be a JSON object, not a list/],
  ];
  for (const [doc, re] of cases) {
    const e = refused(doc);
    assert.equal(e.code, 'PolicyFileInvalid');
    assert.ok(e.message.startsWith(`${FILE}:`), e.message);
    assert.match(e.message, re);
    assert.ok(e.position, `no position for ${e.message}`);
  }
});

void test('a JSON syntax error is a PolicyFileSyntax with its line', () => {
  const e = refused('{\n  "denyRules": [\n    {"id": "x",}\n  ]\n}');
  assert.equal(e.code, 'PolicyFileSyntax');
  assert.deepEqual([e.position?.line, e.position?.column], [3, 16]);
  assert.deepEqual(e.toInfo().line, 3);
});

void test('rules compile with identities (groups expanded), conditions and one-string shorthands', () => {
  const p = loadPolicyText(
    JSON.stringify({
      groups: { ops: ['alice', 'agent:claude*'] },
      askRules: [
        {
          id: 'ask-ops-eu',
          reason: 'r',
          actions: 'ec2:*',
          resources: '*',
          identities: 'group:ops',
          conditions: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
        },
      ],
    }),
    FILE,
  );
  assert.deepEqual(p.policy.askRules[0]?.actions, ['ec2:*']);
  assert.equal(p.ask.compiled.statementCount, 1);
  assert.equal(p.ask.compiled.usesContext, true);
});

void test('the built-in default compiles, explains every rule, and ships the default timeout', () => {
  const p = defaultPolicy();
  assert.equal(p.source.kind, 'default');
  assert.equal(p.policy.approvalTimeoutSeconds, DEFAULT_APPROVAL_TIMEOUT_SECONDS);
  assert.equal(p.policy.outOfScope, 'deny');
  const ids = [...p.policy.denyRules, ...p.policy.askRules].map((r) => r.id);
  assert.deepEqual(ids, [
    'deny-organization-changes',
    'deny-account-changes',
    'deny-audit-trail-tampering',
    'deny-detective-controls-off',
    'ask-iam-writes',
    'ask-credentials-handed-out',
    'ask-network-exposure',
    'ask-resource-policy-changes',
    'ask-key-destruction',
    'ask-data-destruction',
  ]);
  for (const r of [...p.policy.denyRules, ...p.policy.askRules]) assert.ok(r.reason.length > 20, r.id);
  // The default, written out, is a valid policy file.
  assert.deepEqual(loadPolicyText(JSON.stringify(DEFAULT_POLICY_DOCUMENT), FILE).policy, p.policy);
});

void test('the JSON schema and the validator know the same settings', () => {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../gateway/policy-file/policy.schema.json'), 'utf8'),
  ) as {
    properties: Record<string, { default?: unknown }>;
    definitions: Record<string, { properties?: Record<string, unknown> }>;
  };
  const known = Object.keys(schema.properties).sort();
  assert.deepEqual(known, [
    '$schema',
    'approvalTimeoutSeconds',
    'askRules',
    'denyRules',
    'description',
    'groups',
    'maskRules',
    'outOfScope',
    'scopeTemplates',
    'trustedSigners',
    'unknownOperations',
    'version',
  ]);
  // Every setting the schema offers is accepted by the validator, and nothing else.
  const samples: Record<string, unknown> = {
    $schema: './policy.schema.json',
    version: 1,
    description: 'team policy',
    denyRules: [rule()],
    askRules: [rule({ id: 'r2' })],
    maskRules: [{ id: 'm', fields: ['Value'] }],
    groups: { ops: ['alice'] },
    scopeTemplates: { ro: { Statement: { Effect: 'Allow', Action: '*:Get*', Resource: '*' } } },
    outOfScope: 'ask',
    unknownOperations: 'deny',
    approvalTimeoutSeconds: 10,
    trustedSigners: [{ fingerprint: `SHA256:${'b'.repeat(43)}`, name: 'bob' }],
  };
  assert.deepEqual(Object.keys(samples).sort(), known);
  for (const [k, v] of Object.entries(samples)) loadPolicyText(JSON.stringify({ [k]: v }), FILE);
  assert.match(refused({ extra: 1 }).message, /unknown setting "extra"/);
  assert.equal(schema.properties.approvalTimeoutSeconds?.default, DEFAULT_APPROVAL_TIMEOUT_SECONDS);
  assert.equal(schema.properties.unknownOperations?.default, 'ask');
  assert.deepEqual(Object.keys(schema.definitions.rule?.properties ?? {}).sort(), [
    'actions',
    'approvers',
    'conditions',
    'id',
    'identities',
    'reason',
    'resources',
  ]);
  assert.deepEqual(Object.keys(schema.definitions.maskRule?.properties ?? {}).sort(), [
    'actions',
    'fields',
    'id',
    'jsonPaths',
    'mode',
    'operation',
    'pattern',
    'reason',
    'service',
  ]);
});

void test('trustedSigners pins bundle signers by fingerprint and name; a malformed one is refused where it stands', () => {
  const fingerprint = `SHA256:${'A'.repeat(43)}`;
  const p = loadPolicyText(JSON.stringify({ trustedSigners: [{ fingerprint, name: 'alice' }] }), FILE);
  assert.deepEqual(p.policy.trustedSigners, [{ fingerprint, name: 'alice' }]);
  assert.throws(
    () => loadPolicyText(JSON.stringify({ trustedSigners: [{ fingerprint: 'abc' }] }), FILE),
    /trustedSigners\[0\]\.fingerprint: "abc" is not a signer fingerprint/,
  );
  assert.throws(
    () => loadPolicyText(JSON.stringify({ trustedSigners: [{ fingerprint, nmae: 'x' }] }), FILE),
    /trustedSigners\[0\]\.nmae: unknown trusted signer property "nmae" \(did you mean "name"\?\)/,
  );
});
