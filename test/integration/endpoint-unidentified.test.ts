/**
 * Through the CLI-started gateway: what it cannot identify with certainty never reaches AWS
 * without a human. Path tricks and ambiguous requests are refused before any decision; a call no
 * operation fits is held for a person (who sees its raw method and path) or, with
 * `unknownOperations: "deny"`, refused; the verifying upstream receives none of them. For the
 * calls that were allowed, what reached the upstream is what the gateway identified and journaled.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { identify } from '../../gateway/aws/identify';
import { requestViewOf } from '../../gateway/pipeline/request-view';
import { awsV1 } from '../support/aws-clients';
import { readJournalEvents } from '../support/journal';
import { type SentResponse, sendSigned } from '../support/signed-request';
import { type ApprovalStack, startApprovalStack } from './approvals-helpers';

const PATH_TRICKS: ReadonlyArray<readonly [string, string]> = [
  ['POST', '/2015-03-31/functions/orders/../secret/invocations'],
  ['DELETE', '/2015-03-31/./functions/prod'],
  ['DELETE', '/2015-03-31//functions/prod'],
  ['DELETE', '/2015-03-31/functions/x/%2E%2E/prod'],
  ['GET', '/2015-03-31/functions/prod/./'],
];

/** A Lambda call no operation fits: the path's literal in another case. */
const UNIDENTIFIED: readonly [string, string] = ['DELETE', '/2015-03-31/Functions/prod'];

async function policyArgs(
  policy: Record<string, unknown>,
): Promise<{ args: string[]; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-policy-'));
  const file = join(dir, 'policy.json');
  await writeFile(file, JSON.stringify(policy));
  return { args: ['--policy', file], cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function signed(s: ApprovalStack, service: string, method: string, path: string, extra: object = {}) {
  return sendSigned({
    endpoint: s.task.env.AWS_ENDPOINT_URL!,
    accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
    service,
    method,
    path,
    ...extra,
  });
}

/**
 * Signs `headers` as one request (a repeated header signs as its values joined with ","), then
 * sends the ones named in `split` as separate header lines, one per value.
 */
async function sendWithRepeatedHeader(
  s: ApprovalStack,
  service: string,
  headers: Record<string, string>,
  split: string,
  body: string,
): Promise<SentResponse> {
  const url = new URL(s.task.env.AWS_ENDPOINT_URL!);
  const signer = new SignatureV4({
    service,
    region: s.task.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: s.task.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s.task.env.AWS_SECRET_ACCESS_KEY!,
    },
    sha256: Hash.bind(null, 'sha256'),
  });
  const req = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-length': String(Buffer.byteLength(body)), ...headers },
      body,
    }),
  );
  const flat: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() === split) for (const part of v.split(',')) flat.push(k, part);
    else flat.push(k, v);
  }
  return new Promise((resolve, reject) => {
    const r = http.request(
      { hostname: url.hostname, port: url.port, method: 'POST', path: '/', headers: flat },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

function rawHeadersOf(h: http.IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(h))
    for (const one of Array.isArray(v) ? v : [v ?? '']) out.push(k, one);
  return out;
}

void describe('endpoint mode: calls the gateway cannot identify with certainty (unknownOperations: ask, the default)', () => {
  let s: ApprovalStack;
  let cleanup: () => Promise<void>;
  before(async () => {
    const p = await policyArgs({ description: 'no rules: only identification decides here' });
    cleanup = p.cleanup;
    s = await startApprovalStack([...p.args, '--approval-timeout', '3s']);
  });
  after(async () => {
    await s?.close();
    await cleanup?.();
  });

  void test('signed Lambda requests with "..", "." and empty segments are refused before deciding; AWS receives nothing', async () => {
    const before = s.fake.received.length;
    for (const [method, path] of PATH_TRICKS) {
      const r = await signed(s, 'lambda', method, path);
      assert.equal(r.status, 400, `${method} ${path}: ${r.body}`);
      assert.match(r.body, /InvalidRequest/);
      assert.match(r.body, /segment|ends with/, r.body);
    }
    assert.equal(s.fake.received.length, before, 'the upstream received none of them');
    assert.equal((await s.pending()).length, 0, 'nobody was asked: they were refused outright');
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const refused = journal.filter((e) => e.type === 'call.error' && e.data.code === 'InvalidRequest');
    assert.equal(refused.length, PATH_TRICKS.length, 'each refusal is on record');
  });

  void test('an unidentified call is held for a human who sees its raw method and path; unanswered, it never reaches AWS', async () => {
    const before = s.fake.received.length;
    const [method, path] = UNIDENTIFIED;
    const call = signed(s, 'lambda', method, path);
    const a = await s.waitForPending((p) => p.summary.includes(path));
    assert.equal(a.summary, `Unidentified lambda call: ${method} ${path}`);
    assert.equal(a.rule?.id, 'unknown-operation');
    assert.equal(a.operation, undefined);
    assert.ok(a.rule?.reason.includes(`${method} ${path}`), a.rule?.reason);
    const r = await call;
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /AccessDenied/);
    assert.match(r.body, /timed out/);
    assert.equal(s.fake.received.length, before, 'held and refused: the upstream received nothing');
  });

  void test('approved by a person, the unidentified call goes to AWS exactly as sent, once', async () => {
    const before = s.fake.received.length;
    const [method, path] = UNIDENTIFIED;
    const call = signed(s, 'lambda', method, path);
    const a = await s.waitForPending((p) => p.summary.includes(path));
    assert.equal(await s.decide(a.approvalId, 'approve-once'), 200);
    await call;
    const reached = s.fake.received.slice(before);
    assert.equal(reached.length, 1);
    assert.equal(reached[0]?.method, method);
    assert.equal(reached[0]?.path, path);
    assert.equal(reached[0]?.verified, 'ok');
  });

  void test('an unidentified call whose JSON nests thousands deep is held like any other, recorded without its members', async () => {
    // A target no DynamoDB operation has: its body is still read for members, as for any JSON call.
    const target = 'DynamoDB_20120810.PutItemz';
    const body = `{"TableName":"t","Item":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const call = signed(s, 'dynamodb', 'POST', '/', {
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
      body,
    });
    // It used to be answered at once: 503, "check free disk space" (recording its params overflowed).
    const answeredFirst = call.then((r) =>
      assert.fail(`answered before any approval: ${r.status} ${r.body}`),
    );
    const a = await Promise.race([s.waitForPending((p) => p.summary.includes('dynamodb')), answeredFirst]);
    assert.equal(await s.decide(a.approvalId, 'deny'), 200);
    assert.equal((await call).status, 403);
    const request = (await readJournalEvents(s.gw.dataDir, s.task.taskId)).find(
      (e) => e.type === 'call.request' && e.data.bodyBytes === body.length,
    );
    assert.equal(request?.data.operation, undefined);
    assert.deepEqual(request?.data.params, {});
  });

  void test('ambiguous requests are refused: a repeated X-Amz-Target, a JSON member or a form parameter given twice', async () => {
    const before = s.fake.received.length;
    const target = await sendWithRepeatedHeader(
      s,
      'dynamodb',
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.GetItem,DynamoDB_20120810.DeleteItem',
      },
      'x-amz-target',
      '{"TableName":"prod","Key":{"id":{"S":"1"}}}',
    );
    assert.equal(target.status, 400, target.body);
    assert.match(target.body, /x-amz-target is given more than once/);
    const json = await signed(s, 'dynamodb', 'POST', '/', {
      headers: {
        'x-amz-target': 'DynamoDB_20120810.DeleteItem',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{"TableName":"dev","Key":{"id":{"S":"1"}},"TableName":"prod"}',
    });
    assert.equal(json.status, 400, json.body);
    assert.match((JSON.parse(json.body) as { message: string }).message, /"TableName" appears twice/);
    const form = await signed(s, 'iam', 'POST', '/', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListRoles&Version=2010-05-08&Action=DeleteRole&RoleName=prod',
    });
    assert.equal(form.status, 400, form.body);
    assert.match(form.body, /parameter Action is given more than once/);
    assert.equal(s.fake.received.length, before, 'the upstream received none of them');
  });

  void test('for the calls that were allowed, the upstream received exactly what the gateway identified', async () => {
    s.fake.reset();
    const fn = s.fake.planted.lambdaFunctionName;
    assert.equal((await awsV1(['lambda', 'get-function', '--function-name', fn], s.task.env)).code, 0);
    assert.equal((await awsV1(['dynamodb', 'list-tables'], s.task.env)).code, 0);
    // An escaped letter in a label is the same function to AWS and to the gateway.
    const escaped = await signed(
      s,
      'lambda',
      'GET',
      `/2015-03-31/functions/%${fn.charCodeAt(0).toString(16)}${fn.slice(1)}`,
    );
    assert.equal(escaped.status, 200, escaped.body);
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const allowed = new Set(
      journal
        .filter((e) => e.type === 'call.decision' && e.data.decision === 'allow')
        .map((e) => e.data.callId as string),
    );
    const requests = journal.filter((e) => e.type === 'call.request' && allowed.has(e.data.callId as string));
    const recent = requests.slice(-3);
    const reached = s.fake.received.filter((c) => c.verified === 'ok');
    assert.equal(reached.length, 3);
    for (const [i, req] of recent.entries()) {
      const up = reached[i]!;
      assert.equal(up.method, req.data.method);
      assert.equal(up.path, req.data.target, 'the path went upstream exactly as identified');
      // Identify what the upstream got, as the gateway would: the same operation and path params.
      const again = identify(
        requestViewOf({
          method: up.method,
          rawUrl: up.path,
          rawHeaders: rawHeadersOf(up.headers),
          signingName: up.service,
          region: up.region,
        }),
      );
      assert.equal(again.service, req.data.service);
      assert.equal(again.operation, req.data.operation);
      if (req.data.protocol === 'rest-json') assert.deepEqual(again.params, req.data.params);
    }
    assert.deepEqual(
      recent.map((e) => [e.data.operation, e.data.params.FunctionName]),
      [
        ['GetFunction', fn],
        ['ListTables', undefined],
        ['GetFunction', fn],
      ],
    );
  });
});

void describe('endpoint mode: unknownOperations "deny"', () => {
  let s: ApprovalStack;
  let cleanup: () => Promise<void>;
  before(async () => {
    const p = await policyArgs({ unknownOperations: 'deny' });
    cleanup = p.cleanup;
    s = await startApprovalStack(p.args);
  });
  after(async () => {
    await s?.close();
    await cleanup?.();
  });

  void test('an unidentified call is refused at once with its raw method and path; path tricks too; AWS receives nothing', async () => {
    const [method, path] = UNIDENTIFIED;
    // The gateway's own account lookup (STS, at task start) may already have reached the fake.
    const before = s.fake.received.length;
    const r = await signed(s, 'lambda', method, path);
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /AccessDenied/);
    assert.ok(r.body.includes(`${method} ${path}`), r.body);
    assert.match(r.body, /unknownOperations: \\"deny\\"/);
    for (const [m, p] of PATH_TRICKS)
      assert.equal((await signed(s, 'lambda', m, p)).status, 400, `${m} ${p}`);
    assert.equal(s.fake.received.length, before, 'the upstream received none of them');
    assert.equal((await s.pending()).length, 0);
    const journal = await readJournalEvents(s.gw.dataDir, s.task.taskId);
    const d = journal.find((e) => e.type === 'call.decision');
    assert.equal(d?.data.decision, 'deny');
    assert.equal(d?.data.rule, 'unknown-operation');
  });
});
