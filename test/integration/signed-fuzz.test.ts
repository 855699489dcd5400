/**
 * Random requests signed with the task's key, so they pass authentication and reach identify,
 * decide, the journal and the upstream: every one gets an answer in AWS's shape (a success or an
 * error with its code), none crashes or hangs the gateway, and the recording stays whole. Seeded,
 * so a failure names the request that caused it and reproduces (AIRLOCK_FUZZ_SEED picks another).
 * A longer run of this kind found a body nested thousands deep that overflowed the stack while
 * the call was recorded; endpoint-bad-input and endpoint-unidentified test that case directly.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { readJournalEvents } from '../support/journal';
import { sendSignedWithin } from '../support/signed-request';
import { permissivePolicy } from '../support/stack';
import { type ApprovalStack, startApprovalStack } from './approvals-helpers';
import { mulberry32 } from '../support/mulberry32';

const SERVICES = ['s3', 'dynamodb', 'sqs', 'sts', 'ec2', 'iam', 'lambda', 'kms', 'secretsmanager', 'ssm'];
const MORE_SERVICES = ['logs', 'events', 'sns', 'monitoring', 'route53', 'apigateway', 'glue', 'ecs', 'x'];
const TARGETS = [
  'DynamoDB_20120810.GetItem',
  'DynamoDB_20120810.ExecuteStatement',
  'DynamoDB_20120810.BatchWriteItem',
  'AmazonSQS.SendMessage',
  'TrentService.Decrypt',
  'secretsmanager.GetSecretValue',
  'AmazonSSM.GetParameter',
  'Logs_20140328.PutLogEvents',
  'GraniteServiceVersion20100801.GetMetricData',
  'x',
  'DynamoDB_20120810.',
  'DynamoDB_20120810.toString',
  '__proto__.constructor',
];
const PATH_PIECES = ['/', '%2F', '..', '.', 'a', 'bucket', 'key', '%C3%BC', '%00', '2015-03-31', 'functions'];
const MORE_PIECES = ['invocations', '123456789012', 'queue', '__proto__', 'hostedzone', 'restapis', '~', '*'];
const QUERIES = [
  'Action=GetCallerIdentity&Version=2011-06-15',
  'Action=DescribeInstances&Version=2016-11-15',
  'Action=DeleteUser&UserName=x&Version=2010-05-08',
  'Action=SendMessage&QueueUrl=http://x/1/q&MessageBody=hi',
  'Action=__proto__',
  'versioning',
  'uploads',
  'delete',
  'list-type=2&prefix=a',
  'partNumber=1&uploadId=u',
  'a=b&a=c',
  '',
];
const BODIES = [
  '{}',
  '{"TableName":"t","Key":{"id":{"S":"1"}}}',
  '{"Statement":"DELETE FROM \\"t\\" WHERE id=1"}',
  '{"RequestItems":{"t":[{"DeleteRequest":{"Key":{"id":{"S":"1"}}}}]}}',
  '{"SecretId":"arn:aws:secretsmanager:us-east-1:1:secret:x"}',
  '[]',
  'null',
  '{"__proto__":{"a":1}}',
  '{',
  `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  '<?xml version="1.0"?><Delete><Object><Key>k</Key></Object></Delete>',
  'Action=GetCallerIdentity&Version=2011-06-15',
];
const TYPES = [
  'application/x-amz-json-1.0',
  'application/x-amz-json-1.1',
  'application/json',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/xml',
  'application/cbor',
  'text/plain',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH'];
const REGIONS = ['us-east-1', 'eu-west-1', 'x', 'cn-north-1'];

interface Fuzzed {
  readonly service: string;
  readonly region: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Calls an SDK would send, mixed in so the noise runs beside calls that get through. */
const WELL_FORMED: readonly Fuzzed[] = [
  {
    service: 'sts',
    region: 'us-east-1',
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  },
  {
    service: 'dynamodb',
    region: 'us-east-1',
    method: 'POST',
    path: '/',
    query: {},
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    body: '{}',
  },
  { service: 's3', region: 'us-east-1', method: 'GET', path: '/', query: {}, headers: {} },
];

function fuzzed(r: () => number): Fuzzed {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.2) return pick(WELL_FORMED);
  const method = pick(METHODS);
  let path = '';
  for (let n = Math.floor(r() * 5); n > 0; n--)
    path += (r() < 0.7 ? '/' : '') + pick(r() < 0.6 ? PATH_PIECES : MORE_PIECES);
  const query: Record<string, string> = {};
  for (const pair of pick(QUERIES).split('&').filter(Boolean)) {
    const [k, v = ''] = pair.split('=');
    query[k!] = v;
  }
  const headers: Record<string, string> = { 'content-type': pick(TYPES) };
  if (r() < 0.5) headers['x-amz-target'] = pick(TARGETS);
  if (r() < 0.1) headers['x-amz-content-sha256'] = pick(['UNSIGNED-PAYLOAD', 'zz']);
  if (r() < 0.1) headers['x-amz-copy-source'] = pick(['/b/k', 'b/%zz', '/']);
  if (r() < 0.1) headers['content-encoding'] = pick(['aws-chunked', 'gzip', 'x']);
  const body = method === 'GET' || method === 'HEAD' || r() < 0.2 ? undefined : pick(BODIES);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const service = pick(r() < 0.6 ? SERVICES : MORE_SERVICES);
  return {
    service,
    region: pick(REGIONS),
    method,
    path: path.startsWith('/') ? path : `/${path}`,
    query,
    headers,
    body,
  };
}

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly body: string;
}

/** The error code of an AWS-shaped answer: XML, JSON `__type` / `code`, or the header. */
function errorCode(body: string, headers: http.IncomingHttpHeaders): string | undefined {
  return (
    /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ??
    /"(?:__type|code)"\s*:\s*"([^"]+)"/.exec(body)?.[1] ??
    (headers['x-amzn-errortype'] as string | undefined) ??
    (headers['x-airlock-error'] as string | undefined)
  );
}

/** The fuzzed request signed with the task's key; an answer that has not ended in 20 s fails. */
async function send(s: ApprovalStack, f: Fuzzed, agent: http.Agent): Promise<Answer> {
  const r = await sendSignedWithin(
    {
      endpoint: s.task.env.AWS_ENDPOINT_URL!,
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
      service: f.service,
      region: f.region,
      method: f.method,
      path: f.path,
      query: f.query,
      headers: f.headers,
      body: f.body,
      agent,
    },
    20_000,
  );
  return { status: r.status, code: errorCode(r.body, r.headers), body: r.body };
}

void describe('signed random requests through the whole pipeline', () => {
  let s: ApprovalStack;
  let cleanup: () => Promise<void>;
  before(async () => {
    const p = await permissivePolicy();
    cleanup = p.cleanup;
    // Unidentified calls are held for a person: a short timeout answers them (403) without one.
    s = await startApprovalStack([...p.args, '--approval-timeout', '1s']);
  });
  after(async () => {
    await s?.close();
    await cleanup?.();
  });

  void test('every answer is AWS-shaped, none hangs, the gateway lives and its journal verifies', async () => {
    const seed = Number(process.env.AIRLOCK_FUZZ_SEED ?? 20261207);
    const r = mulberry32(seed);
    const requests = Array.from({ length: 240 }, () => fuzzed(r));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const codes = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < requests.length) {
          const i = next++;
          const f = requests[i]!;
          const what = `seed ${seed} #${i}: ${f.method} ${f.service} ${f.path} ${JSON.stringify(f.query)} ${JSON.stringify(f.headers)} ${(f.body ?? '').slice(0, 80)}`;
          const a = await send(s, f, agent).catch((e: unknown) => assert.fail(`${what}: ${String(e)}`));
          const key = `${a.status} ${a.code ?? ''}`;
          codes.set(key, (codes.get(key) ?? 0) + 1);
          if (a.status < 300) continue;
          assert.ok(a.status >= 400, `${what}: status ${a.status}`);
          // HEAD answers carry no body: the status is all there is.
          if (f.method !== 'HEAD') assert.ok(a.code, `${what}: ${a.status} without an error code: ${a.body}`);
          assert.notEqual(a.code, 'InternalFailure', `${what}: ${a.body}`);
          assert.notEqual(a.code, 'RecordingUnavailable', `${what}: ${a.body}`);
        }
      }),
    );
    agent.destroy();
    // The mix reached past authentication: refusals, decisions and forwarded calls alike.
    const statuses = [...codes.keys()].map((k) => Number(k.split(' ')[0]));
    assert.ok(
      statuses.some((x) => x < 300) && statuses.some((x) => x === 403) && statuses.some((x) => x === 400),
      JSON.stringify([...codes]),
    );
    assert.equal(s.gw.proc.exitCode, null, 'the gateway is still running');
    assert.doesNotMatch(
      s.gw.stderr(),
      /internal error in call pipeline|unhandled pipeline failure|journal write failed/,
    );
    const events = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    assert.ok(events.filter((e) => e.type === 'call.request').length > 100);
  });
});
