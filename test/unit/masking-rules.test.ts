import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskBody, maskParams, maskQueryString, PLACEHOLDER_PATTERN } from '../../gateway/masking';
import type { MaskRule } from '../../gateway/policy-file/types';
import { ph, plan } from './support/mask-plan';

void describe('masking: workspace rules', () => {
  const rule = (r: Partial<MaskRule>): MaskRule => ({ id: 'r1', mode: 'mask', ...r });
  void test('fields (case-sensitive), JSON paths (anchored) and patterns', () => {
    const body =
      '{"Item":{"apiKey":{"S":"k-canary"},"ApiKey":{"S":"kept"}},"Meta":{"token":"t-canary"},"token":"top-canary","note":"id=ZZ-123-canary"}';
    const rules = [
      rule({ id: 'f', fields: ['apiKey'] }),
      rule({ id: 'p', jsonPaths: ['$.Meta.token'] }),
      rule({ id: 'x', pattern: 'ZZ-\\d+' }),
    ];
    const r = maskBody(body, 'json', plan('dynamodb', 'GetItem', 'response', rules), ph);
    assert.ok(!r.agent.includes('k-canary') && r.agent.includes('"kept"'));
    assert.ok(!r.agent.includes('t-canary') && r.agent.includes('top-canary'), 'JSON paths are anchored');
    assert.ok(r.agent.includes('id=«airlock:masked:rule:x:'));
    assert.deepEqual(new Set(r.masked.map((m) => m.source)), new Set(['rule:f', 'rule:p', 'rule:x']));
  });

  void test('recording-only: the agent sees the value, the recording never does', () => {
    const rules = [rule({ id: 'ro', fields: ['apiKey'], mode: 'recording-only' })];
    const r = maskBody('{"apiKey":"v-canary"}', 'json', plan('dynamodb', 'GetItem', 'response', rules), ph);
    assert.ok(r.agent.includes('v-canary'));
    assert.ok(!r.record.includes('v-canary'));
    assert.equal(r.masked[0]?.recordingOnly, true);
  });

  void test('a recording-only rule without fields relaxes the catalogue for its actions only', () => {
    const rules = [rule({ id: 'let-agent-read-ssm', actions: ['ssm:GetParameter'], mode: 'recording-only' })];
    const body = '{"Parameter":{"Name":"p","Type":"SecureString","Value":"ssm-canary"}}';
    const relaxed = maskBody(body, 'json', plan('ssm', 'GetParameter', 'response', rules), ph);
    assert.ok(relaxed.agent.includes('ssm-canary') && !relaxed.record.includes('ssm-canary'));
    const other = maskBody(body, 'json', plan('ssm', 'GetParameters', 'response', rules), ph);
    assert.ok(!other.agent.includes('ssm-canary'));
  });

  void test('rules select calls by action pattern, service and operation', () => {
    const rules = [rule({ id: 'sel', actions: ['dynamodb:Get*'], fields: ['x'] })];
    const fromRules = (p: ReturnType<typeof plan>): number =>
      p.fields.filter((f) => f.source === 'rule:sel').length;
    assert.equal(fromRules(plan('dynamodb', 'GetItem', 'response', rules)), 1);
    assert.equal(fromRules(plan('dynamodb', 'PutItem', 'response', rules)), 0);
    assert.equal(
      fromRules(plan('dynamodb', 'GetItem', 'response', [rule({ id: 'sel', service: 's3', fields: ['x'] })])),
      0,
    );
    assert.equal(
      plan('dynamodb', 'GetItem', 'response', rules).strict,
      true,
      'rule fields make a call secret-bearing',
    );
  });

  void test('unambiguous secret fields are masked in any operation, without making it strict', () => {
    const p = plan('sts', 'SomeFutureOperation');
    assert.equal(p.strict, false);
    const r = maskBody(
      '{"Credentials":{"AccessKeyId":"ASIA","SecretAccessKey":"future-canary"}}',
      'json',
      p,
      ph,
    );
    assert.ok(!r.agent.includes('future-canary') && r.agent.includes('"AccessKeyId":"ASIA"'));
  });
});

void describe('masking: request parameters for the recording', () => {
  void test('PutSecretValue and SSM PutParameter SecureString', () => {
    const p = maskParams(
      { SecretId: 'db', SecretString: 'put-canary' },
      plan('secretsmanager', 'PutSecretValue', 'request'),
      ph,
    );
    assert.equal(p.params.SecretId, 'db');
    assert.match(String(p.params.SecretString), PLACEHOLDER_PATTERN);
    assert.deepEqual(p.masked, [{ where: 'request', field: 'SecretString', source: 'catalogue', count: 1 }]);
    const secure = maskParams(
      { Name: 'n', Type: 'SecureString', Value: 'v-canary' },
      plan('ssm', 'PutParameter', 'request'),
      ph,
    );
    assert.match(String(secure.params.Value), PLACEHOLDER_PATTERN);
    const plain = maskParams(
      { Name: 'n', Type: 'String', Value: 'v' },
      plan('ssm', 'PutParameter', 'request'),
      ph,
    );
    assert.equal(plain.params.Value, 'v');
  });

  void test('query-protocol passwords, flattened keys and the URL query string', () => {
    const p = maskParams(
      { OldPassword: 'old-canary', NewPassword: 'new-canary' },
      plan('iam', 'ChangePassword', 'request'),
      ph,
    );
    assert.ok(!JSON.stringify(p.params).includes('canary'));
    const flat = maskParams(
      { 'Environment.Variables.KEY': 'env-canary' },
      plan('lambda', 'CreateFunction', 'request'),
      ph,
    );
    assert.ok(!JSON.stringify(flat.params).includes('canary'));
    const q = maskQueryString(
      'Action=ChangePassword&OldPassword=old%2Dcanary&Version=2010-05-08',
      plan('iam', 'ChangePassword', 'request'),
      ph,
    );
    assert.ok(
      !q.includes('canary') &&
        q.startsWith('Action=ChangePassword&OldPassword=') &&
        q.endsWith('&Version=2010-05-08'),
    );
  });

  void test('S3 SSE-C keys (header members) on any S3 operation', () => {
    const p = maskParams(
      { Bucket: 'b', Key: 'k', SSECustomerKey: 'c3NlLWNhbmFyeQ==' },
      plan('s3', 'PutObject', 'request'),
      ph,
    );
    assert.equal(p.params.Bucket, 'b');
    assert.match(String(p.params.SSECustomerKey), PLACEHOLDER_PATTERN);
  });
});
