import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EffectivePolicyResponse } from '../../gateway/protocol';
import { awsV1 } from '../support/aws-clients';
import { AIRLOCK_BIN, isolatedEnv, runNode, startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { type ApprovalStack, followEvents, startApprovalStack } from './approvals-helpers';

const POLICY = {
  version: 1,
  outOfScope: 'ask',
  approvalTimeoutSeconds: 30,
  denyRules: [
    {
      id: 'deny-prod-iam-deletes',
      reason: 'production roles are managed by Terraform, not by agents',
      actions: ['iam:Delete*'],
      resources: ['arn:aws:iam::*:role/prod-*'],
    },
  ],
  askRules: [
    {
      id: 'ask-held-uploads',
      reason: 'uploads under held/ are reviewed before they land',
      actions: ['s3:PutObject'],
      resources: ['arn:aws:s3:::uploads/held/*'],
    },
  ],
  scopeTemplates: {
    's3-uploads': {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::uploads', 'arn:aws:s3:::uploads/*'] },
      ],
    },
  },
};

/** A signed S3 PUT with `Expect: 100-continue`; `continued` tells whether the gateway asked for the body. */
function putWithExpect(
  env: Record<string, string>,
  key: string,
): { sent: Promise<{ status: number; body: string }>; continued: () => boolean } {
  let continued = false;
  const sent = (async () => {
    const url = new URL(env.AWS_ENDPOINT_URL!);
    const body = Buffer.alloc(256 * 1024, 7);
    const signer = new SignatureV4({
      service: 's3',
      region: env.AWS_REGION!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'PUT',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: `/uploads/${key}`,
        headers: {
          host: url.host,
          'content-length': String(body.length),
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
          expect: '100-continue',
        },
      }),
    );
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        hostname: url.hostname,
        port: url.port,
        method: 'PUT',
        path: signed.path,
        headers: signed.headers,
      });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
  })();
  return { sent, continued: () => continued };
}

void describe('workspace policy file: deny and ask rules, scope templates, reload', () => {
  let s: ApprovalStack;
  let dir: string;
  let policyFile: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-ws-'));
    await mkdir(join(dir, '.airlock'));
    policyFile = join(dir, '.airlock', 'policy.json');
    await writeFile(policyFile, JSON.stringify(POLICY, null, 2));
    s = await startApprovalStack(['--policy', policyFile]);
    const mb = await awsV1(['s3', 'mb', 's3://uploads'], s.task.env);
    assert.equal(mb.code, 0, mb.stderr);
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('a denied iam delete-role never reaches AWS and the AWS CLI prints our reason', async () => {
    const r = await awsV1(['iam', 'delete-role', '--role-name', 'prod-db'], s.task.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
    assert.match(
      r.stderr,
      /Airlock denied iam:DeleteRole on arn:aws:iam::123456789012:role\/prod-db: production roles are managed by Terraform, not by agents \(rule: deny-prod-iam-deletes\)/,
    );
    assert.equal(s.fake.received.filter((c) => c.operation === 'DeleteRole').length, 0);
    const decision = (await readJournalEvents(s.gw.dataDir, s.task.taskId))
      .filter((e) => e.type === 'call.decision')
      .pop();
    assert.deepEqual([decision?.data.decision, decision?.data.rule], ['deny', 'deny-prod-iam-deletes']);
  });

  void test('an upload that needs approval is held before its body is sent (Expect: 100-continue)', async () => {
    const put = putWithExpect(s.task.env, 'held/report.csv');
    const a = await s.waitForPending((p) => p.action === 's3:PutObject');
    assert.equal(a.rule?.id, 'ask-held-uploads');
    assert.equal(a.summary, 'Upload s3://uploads/held/report.csv');
    assert.equal(put.continued(), false, 'the body must not be asked for while the call is held');
    assert.equal((await s.gw.cli(['approve', a.approvalId])).code, 0);
    const r = await put.sent;
    assert.equal(r.status, 200, r.body);
    assert.equal(put.continued(), true);
  });

  void test('task start --scope-template: the template scopes the task; out of scope asks (outOfScope: "ask")', async () => {
    const unknown = await s.gw.cli(['task', 'start', '--name', 'x', '--scope-template', 'nope']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /No scope template "nope" in the workspace policy; templates: s3-uploads/);

    const task = await startTask(s.gw, ['--name', 'tidy uploads', '--scope-template', 's3-uploads']);
    const inScope = await awsV1(['s3api', 'list-objects-v2', '--bucket', 'uploads'], task.env);
    assert.equal(inScope.code, 0, inScope.stderr);

    const cli = awsV1(['dynamodb', 'list-tables'], task.env);
    const a = await s.waitForPending((p) => p.action === 'dynamodb:ListTables');
    assert.equal(a.rule?.id, 'scope');
    assert.equal(a.rule?.reason, 'outside the scope of task "tidy uploads"');
    assert.equal(a.taskName, 'tidy uploads');
    assert.equal((await s.gw.cli(['approve', a.approvalId])).code, 0);
    const r = await cli;
    assert.equal(r.code, 0, r.stderr);
  });

  void test('airlock policy show --effective prints the policy in force, templates included', async () => {
    const r = await s.gw.cli(['policy', 'show', '--effective']);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as EffectivePolicyResponse;
    assert.equal(shown.source.kind, 'file');
    assert.deepEqual(
      shown.policy.denyRules.map((x) => x.id),
      ['deny-prod-iam-deletes'],
    );
    assert.ok(shown.policy.scopeTemplates['s3-uploads']);
    assert.equal(shown.approvalTimeoutSeconds, 30);
    assert.deepEqual(shown.policy.maskRules, []);
  });

  void test('a reload that fails keeps the last good policy; a good one takes over', async () => {
    const events = await followEvents(s.gw);
    try {
      await writeFile(
        policyFile,
        '{\n  "denyRules": [\n    { "id": "oops", "reason": "x", "actions": ["iam:Delete*"] },\n  ]\n}\n',
      );
      const invalid = await events.next((e) => e.type === 'policy.invalid');
      assert.equal(invalid.type === 'policy.invalid' && invalid.error.line, 4);
      const shown = JSON.parse(
        (await s.gw.cli(['policy', 'show', '--effective'])).stdout,
      ) as EffectivePolicyResponse;
      assert.match(shown.reloadError?.message ?? '', /policy\.json:4:\d+: not valid JSON: trailing comma/);
      const still = await awsV1(['iam', 'delete-role', '--role-name', 'prod-db'], s.task.env);
      assert.match(still.stderr, /\(rule: deny-prod-iam-deletes\)/);

      const next = { ...POLICY, denyRules: [{ ...POLICY.denyRules[0], id: 'deny-prod-iam-deletes-v2' }] };
      await writeFile(policyFile, JSON.stringify(next, null, 2));
      await events.next((e) => e.type === 'policy.reloaded');
      const now = await awsV1(['iam', 'delete-role', '--role-name', 'prod-db'], s.task.env);
      assert.match(now.stderr, /\(rule: deny-prod-iam-deletes-v2\)/);
    } finally {
      events.stop();
    }
  });
});

void describe('workspace policy file: refused at start', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-badpolicy-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const start = (file: string): ReturnType<typeof runNode> =>
    runNode(
      [AIRLOCK_BIN, 'gateway', '--data-dir', join(dir, 'data'), '--port', '0', '--policy', file],
      isolatedEnv(),
    );

  void test('a policy that does not validate: non-zero exit, the file, line and what is wrong', async () => {
    const file = join(dir, 'invalid.json');
    await writeFile(
      file,
      '{\n  "askRules": [\n    {\n      "id": "ask-iam",\n      "reason": "IAM changes",\n      "actions": ["iam-Create*"]\n    }\n  ]\n}\n',
    );
    const r = await start(file);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '', 'no ready line');
    assert.match(
      r.stderr,
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:19: askRules\\[0\\]\\.actions\\[0\\]: "iam-Create\\*" is not an IAM action pattern`,
      ),
    );
  });

  void test('a policy that is not JSON: the line of the syntax error', async () => {
    const file = join(dir, 'syntax.json');
    await writeFile(file, '{\n  "outOfScope": "ask"\n  "approvalTimeoutSeconds": 20\n}\n');
    const r = await start(file);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /syntax\.json:3:3: not valid JSON: expected "," or "}" after a property/);
  });

  void test('a policy file that does not exist', async () => {
    const r = await start(join(dir, 'missing.json'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /missing\.json: cannot read the policy file: no such file/);
  });

  void test('airlock policy check warns, with the line, of a pattern that matches no AWS action', async () => {
    const file = join(dir, 'typo.json');
    await writeFile(
      file,
      '{\n  "denyRules": [\n    {\n      "id": "no-org",\n      "reason": "organization changes",\n      "actions": ["organisations:Atach*", "organizations:Attach*"]\n    }\n  ]\n}\n',
    );
    const r = await runNode([AIRLOCK_BIN, 'policy', 'check', file], isolatedEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /typo\.json:6:19: warning: denyRules\[0\]\.actions\[0\]: no AWS service has the IAM prefix "organisations" \(did you mean "organizations"\?\)/,
    );
    assert.doesNotMatch(r.stdout, /actions\[1\]/, 'a pattern that matches is not warned of');
    assert.match(r.stdout, /typo\.json: ok \(1 deny rules, .*, 1 warning\)/);
  });
});
