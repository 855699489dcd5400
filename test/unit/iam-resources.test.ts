/** The generated IAM resource table: reproducible, current, validated on load; ARN templates. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { arnTemplate } from '../../gateway/aws/arn-template';
import { parseResourceCatalogue } from '../../gateway/aws/iam-resources';
import { AwsModelError } from '../../gateway/aws/model';

const root = join(import.meta.dirname, '..', '..');

void test('the generator is deterministic, its output loads, and the table in use is current', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-iam-resources-'));
  try {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const summary = execFileSync('node', [join(root, 'scripts', 'gen-iam-resources.mjs'), a], {
      encoding: 'utf8',
    });
    execFileSync('node', [join(root, 'scripts', 'gen-iam-resources.mjs'), b]);
    console.log(summary.trim());
    const text = readFileSync(a, 'utf8');
    assert.equal(text, readFileSync(b, 'utf8'));
    assert.ok(text.length < 3_000_000, `table is ${text.length} bytes`);
    assert.equal(
      readFileSync(join(root, 'gateway', 'aws', 'iam-resources.generated.json'), 'utf8'),
      text,
      'gateway/aws/iam-resources.generated.json is stale: rerun node scripts/gen-iam-resources.mjs',
    );
    const catalogue = parseResourceCatalogue(text);
    const put = catalogue.actionTypes('kinesis', 'PutRecord');
    assert.deepEqual(
      put.map((t) => [t.key, t.required, t.template.format]),
      [['stream', true, 'arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}']],
    );
    assert.deepEqual(catalogue.members('kinesis', 'PutRecord'), [
      { key: 'StreamName', name: 'StreamName' },
      { key: 'StreamARN', name: 'StreamARN' },
    ]);
    // EC2 members are keyed as the query protocol sends them.
    assert.ok(
      catalogue
        .members('ec2', 'TerminateInstances')
        .some((m) => m.key === 'InstanceId' && m.name === 'InstanceIds'),
    );
    assert.deepEqual(catalogue.actionTypes('kinesis', 'NoSuchAction'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a corrupt table fails with a typed error naming the generator', () => {
  for (const text of [
    'not json',
    '{"format":2}',
    '{"format":1,"prefixes":{"x":{"types":{"t":1},"actions":{}}},"services":{}}',
  ]) {
    assert.throws(
      () => parseResourceCatalogue(text).actionTypes('x', 'Y'),
      (e: unknown) =>
        e instanceof AwsModelError && e.code === 'AWS_MODEL_INVALID' && /gen-iam-resources/.test(e.message),
    );
  }
});

void test('ARN templates fill from the scope and values, and match ARNs field by field', () => {
  const scope = { partition: 'aws-cn', region: 'cn-north-1', account: '123456789012' };
  const stream = arnTemplate('arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}');
  assert.deepEqual(stream.variables, ['StreamName']);
  assert.equal(
    stream.fill(scope, { StreamName: 'orders' }),
    'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/orders',
  );
  assert.equal(stream.fill(scope, {}), undefined);
  assert.ok(stream.matches('arn:aws:kinesis:eu-west-1:210987654321:stream/prod'));
  assert.ok(!stream.matches('arn:aws:kinesis:eu-west-1:210987654321:stream/'));
  assert.ok(!stream.matches('arn:aws:kinesisvideo:eu-west-1:210987654321:stream/prod'));
  // A wildcard in the head never crosses a field.
  assert.ok(!stream.matches('arn:aws:kinesis:eu-west-1:x:y:stream/prod'));
  const zone = arnTemplate('arn:${Partition}:route53:::hostedzone/${Id}');
  assert.equal(zone.fill(scope, { Id: 'Z1' }), 'arn:aws-cn:route53:::hostedzone/Z1');
  assert.ok(!zone.matches('arn:aws:route53:us-east-1::hostedzone/Z1'));
  const execution = arnTemplate(
    'arn:${Partition}:states:${Region}:${Account}:execution:${StateMachineName}:${ExecutionId}',
  );
  assert.deepEqual(execution.variables, ['StateMachineName', 'ExecutionId']);
  assert.ok(execution.matches('arn:aws:states:us-east-1:123456789012:execution:orders:run-1'));
});
