import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsV1 } from '../support/aws-clients';
import { startTask } from '../support/gateway-process';
import { readJournalEvents } from '../support/journal';
import { ROLE_ARN, startOidcStack, type OidcStack } from '../support/oidc-stack';

const SCOPE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sqs:ListQueues', 'sqs:CreateQueue'], Resource: '*' }],
};

void describe('OIDC mode through the real gateway', () => {
  let s: OidcStack;
  before(async () => {
    s = await startOidcStack();
  });
  after(async () => {
    await s?.close();
  });

  void test('signed out: whoami says so, and calls are refused AWS-shaped with "sign in again"', async () => {
    const who = await s.gw.cli(['whoami', '--json']);
    assert.equal(who.code, 1);
    assert.equal(JSON.parse(who.stdout).state, 'signed-out');
    const task = await startTask(s.gw, ['--name', 'before sign-in']);
    const r = await awsV1(['sqs', 'list-queues'], task.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /SignedOut/);
    assert.match(r.stderr, /signed out of Airlock: sign in again/);
    assert.equal(s.fake.received.length, 0, 'nothing reached AWS');
  });

  void test('airlock login (code + PKCE on loopback) signs the gateway in; the refresh token file is 0600', async () => {
    const r = await s.login('alice');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /signed in as alice@example\.test/);
    assert.match(r.stdout, /groups: platform-admins/);
    const mode = (await stat(join(s.gw.dataDir, 'oidc-refresh-token.json'))).mode & 0o777;
    assert.equal(mode, 0o600);
    const sts = s.fake.webIdentitySts!;
    assert.equal(sts.exchanges.length, 1);
    assert.equal(sts.exchanges[0]!.subject, 'alice');
    assert.deepEqual(s.idp.grants, ['authorization_code', 'refresh_token']);
  });

  void test('a scoped task gets its own STS session; calls arrive signed with it; the recording names session and person', async () => {
    const sts = s.fake.webIdentitySts!;
    const before = sts.taskSessions.length;
    // Inside the data dir, so the gateway's disposal removes it.
    const scopeFile = join(s.gw.dataDir, 'test-scope.json');
    await writeFile(scopeFile, JSON.stringify(SCOPE));
    const start = await s.gw.cli([
      'task',
      'start',
      '--name',
      'list queues',
      '--scope',
      scopeFile,
      '--agent',
      'claude',
      '--json',
    ]);
    assert.equal(start.code, 0, start.stderr);
    const task = JSON.parse(start.stdout) as {
      taskId: string;
      env: Record<string, string>;
      session: { roleSessionName: string; accessKeyIds: string[] };
    };
    assert.equal(sts.taskSessions.length, before + 1);
    const ts = sts.taskSessions.at(-1)!;
    assert.equal(ts.roleArn, ROLE_ARN);
    assert.equal(ts.roleSessionName, `airlock-${task.taskId}`);
    assert.deepEqual(ts.policy, SCOPE);
    assert.equal(ts.sourceIdentity, 'alice@example.test');
    assert.deepEqual(ts.tags, { 'airlock:task': task.taskId, 'airlock:agent': 'claude' });
    assert.equal(
      sts.issued.get(ts.signedBy)?.kind,
      'web-identity',
      'AssumeRole is signed with the web-identity session',
    );
    assert.deepEqual(task.session.accessKeyIds, [ts.issued.accessKeyId]);

    s.fake.reset();
    const r = await awsV1(['sqs', 'list-queues'], task.env);
    assert.equal(r.code, 0, r.stderr);
    const calls = s.fake.received.filter((c) => c.service === 'sqs');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.verified, 'ok');
    assert.equal(calls[0]!.accessKeyId, ts.issued.accessKeyId, 're-signed with the task session');

    const events = await readJournalEvents(s.gw.dataDir, task.taskId);
    const started = events.find((e) => e.type === 'task.started')!;
    assert.equal(started.data.startedBy, 'alice@example.test');
    assert.deepEqual(started.data.identity.groups, ['platform-admins']);
    const session = events.find((e) => e.type === 'task.session')!;
    assert.equal(session.data.roleSessionName, `airlock-${task.taskId}`);
    assert.deepEqual(session.data.accessKeyIds, [ts.issued.accessKeyId]);

    const request = events.find((e) => e.type === 'call.request')!;
    assert.equal(request.data.identity, 'alice@example.test');
    const show = await s.gw.cli(['show', task.taskId]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /task\.started .*"startedBy":"alice@example\.test"/);
    assert.match(show.stdout, new RegExp(`task\\.session .*"roleSessionName":"airlock-${task.taskId}"`));
    const mine = await s.gw.cli(['calls', '--json', '--identity', 'alice@example.test']);
    assert.equal(mine.code, 0, mine.stderr);
    assert.ok((JSON.parse(mine.stdout) as unknown[]).length >= 1);

    const trail = await s.gw.cli(['task', 'trail', task.taskId]);
    assert.equal(trail.code, 0, trail.stderr);
    assert.match(
      trail.stdout,
      new RegExp(
        `aws cloudtrail lookup-events .*AttributeKey=AccessKeyId,AttributeValue=${ts.issued.accessKeyId}`,
      ),
    );
    assert.match(trail.stdout, new RegExp(`AttributeKey=Username,AttributeValue=airlock-${task.taskId}`));
  });

  void test('a scope larger than a session policy may be is refused at task start, saying why', async () => {
    const big = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 40 }, (_, i) => ({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::bucket-number-${i}/some/long/prefix/*`,
      })),
    };
    const file = join(s.gw.dataDir, 'test-big-scope.json');
    await writeFile(file, JSON.stringify(big));
    const r = await s.gw.cli(['task', 'start', '--name', 'too big', '--scope', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /at most 2048 for a session policy/);
  });

  void test('no token or AWS secret in the data dir (but the documented refresh token file), the log or a task env', async () => {
    const sts = s.fake.webIdentitySts!;
    const secrets = [...sts.issued.values()].flatMap((c) => [c.secretAccessKey, c.sessionToken]);
    assert.ok(secrets.length >= 4);
    const task = await startTask(s.gw, ['--name', 'env check']);
    assert.equal((await awsV1(['sqs', 'list-queues'], task.env)).code, 0);
    const files = (await readdir(s.gw.dataDir, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile() && d.name !== 'oidc-refresh-token.json')
      .map((d) => join(d.parentPath, d.name));
    const refresh = JSON.parse(await readFile(join(s.gw.dataDir, 'oidc-refresh-token.json'), 'utf8'))
      .refreshToken as string;
    // Bundles carry the recording out of the machine: none may hold a secret either.
    const bundleFile = join(s.gw.dataDir, 'canary.airlock');
    const exported = await s.gw.cli(['export', task.taskId, '-o', bundleFile]);
    assert.equal(exported.code, 0, exported.stderr);
    const { gunzipSync } = await import('node:zlib');
    const packed = await readFile(bundleFile);
    const bundle = gunzipSync(packed.subarray(packed.indexOf(0x1f))).toString('latin1');
    assert.match(bundle, /task\.started/);
    const haystacks = [
      bundle,
      ...(await Promise.all(files.map((f) => readFile(f, 'latin1')))),
      s.gw.stderr(),
      JSON.stringify(task.env),
    ];
    for (const needle of [...secrets, refresh])
      for (const h of haystacks) assert.ok(!h.includes(needle), 'a secret leaked');
    // ID tokens are JWTs: none anywhere (the header of every JWT starts eyJ).
    for (const h of haystacks) assert.doesNotMatch(h, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./);
  });

  void test('sign-out drops the credentials at once: new calls are refused with "sign in again"', async () => {
    const task = await startTask(s.gw, ['--name', 'after sign-out']);
    const ok = await awsV1(['sqs', 'list-queues'], task.env);
    assert.equal(ok.code, 0, ok.stderr);
    const out = await s.gw.cli(['logout']);
    assert.equal(out.code, 0, out.stderr);
    s.fake.reset();
    const r = await awsV1(['sqs', 'list-queues'], task.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /signed out of Airlock: sign in again/);
    assert.equal(s.fake.received.length, 0);
    await assert.rejects(stat(join(s.gw.dataDir, 'oidc-refresh-token.json')));
  });

  void test('device flow: airlock login --device signs in another user', async () => {
    const r = await s.login('bob', 'device');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /enter the code/);
    assert.match(r.stdout, /signed in as bob@example\.test/);
  });
});

void describe('OIDC mode: renewal before expiry, and a failed refresh', () => {
  let s: OidcStack;
  before(async () => {
    // Credentials live 6 s, ID tokens 8 s: the gateway must renew both, on its own, in time.
    s = await startOidcStack({ credentialSeconds: 6, idp: { idTokenTtl: 8 } });
  });
  after(async () => {
    await s?.close();
  });

  const whoami = async (): Promise<{ state: string; expiresAt?: string; error?: string }> =>
    JSON.parse((await s.gw.cli(['whoami', '--json'])).stdout) as { state: string; expiresAt?: string };

  void test('token and credentials are renewed before they expire; calls keep working past the first expiry', async () => {
    const r = await s.login('alice');
    assert.equal(r.code, 0, r.stderr);
    const first = await whoami();
    const task = await startTask(s.gw, ['--name', 'long task']);
    const early = await awsV1(['sqs', 'list-queues'], task.env);
    assert.equal(early.code, 0, early.stderr);
    await new Promise((r) => setTimeout(r, 7_000));
    const later = await whoami();
    assert.equal(later.state, 'signed-in');
    assert.ok(Date.parse(later.expiresAt!) > Date.parse(first.expiresAt!), 'credentials were renewed');
    assert.ok(s.idp.grants.filter((g) => g === 'refresh_token').length >= 2, 'the ID token was refreshed');
    assert.ok(s.fake.webIdentitySts!.exchanges.length >= 2);
    s.fake.reset();
    const late = await awsV1(['sqs', 'list-queues'], task.env);
    assert.equal(late.code, 0, late.stderr);
    const sqs = s.fake.received.filter((c) => c.service === 'sqs');
    assert.equal(sqs.at(-1)?.verified, 'ok');
  });

  void test('a refresh that fails signs the gateway out, saying so, and calls are refused (no hang)', async () => {
    const task = await startTask(s.gw, ['--name', 'idp goes away']);
    await s.idp.close();
    let st = await whoami();
    for (let i = 0; i < 40 && st.state === 'signed-in'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      st = await whoami();
    }
    assert.equal(st.state, 'failed');
    assert.match(st.error ?? '', /could not be refreshed/);
    const started = Date.now();
    const r = await awsV1(['sqs', 'list-queues'], task.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /signed out of Airlock: the sign-in could not be refreshed/);
    assert.ok(Date.now() - started < 10_000);
  });
});
