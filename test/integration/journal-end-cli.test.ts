import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeAws, type FakeAws } from '../fakes';
import { awsV1 } from '../support/aws-clients';
import {
  AIRLOCK_BIN,
  isolatedEnv,
  runNode,
  startGatewayProcess,
  startTask,
} from '../support/gateway-process';

/** Cuts a journal back to its first `keep` lines, as someone with write access to the file could. */
async function cutTo(file: string, keep: number): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  await writeFile(
    file,
    lines
      .slice(0, keep)
      .map((l) => `${l}\n`)
      .join(''),
  );
  return lines.slice(keep).map((l) => (JSON.parse(l) as { type: string }).type);
}

/**
 * Cutting the end off a journal (a denied call and task.ended) through the real CLI and gateway:
 * every reader names it, export refuses to sign it as complete, and the gateway will not extend
 * a cut journal.
 */
void describe('a journal cut short is flagged by sessions, show, export, verify, import and the gateway', () => {
  let fake: FakeAws;
  let work: string;
  let dataDir: string;
  let taskId: string;
  let scopeFile: string;
  const airlock = (
    args: string[],
    dir = dataDir,
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    runNode([AIRLOCK_BIN, ...args, '--data-dir', dir], isolatedEnv());
  const expected = (): string =>
    `journal of task ${taskId} ends at seq 4 but the gateway recorded seq 8: events were removed`;

  before(async () => {
    fake = await startFakeAws();
    work = await mkdtemp(join(tmpdir(), 'airlock-journal-end-'));
    dataDir = join(work, 'data');
    scopeFile = join(work, 'scope.json');
    await writeFile(
      scopeFile,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
      }),
    );
    const gw = await startGatewayProcess({ dataDir, upstream: fake.url, credentials: fake.credentials });
    try {
      const task = await startTask(gw, ['--name', 'cut me', '--scope', scopeFile]);
      taskId = task.taskId;
      assert.equal((await awsV1(['sts', 'get-caller-identity'], task.env)).code, 0);
      const denied = await awsV1(['secretsmanager', 'get-secret-value', '--secret-id', 'x'], task.env);
      assert.match(denied.stderr, /AccessDenied/);
      assert.equal((await gw.cli(['task', 'end', taskId])).code, 0);
    } finally {
      await gw.stop();
    }
    const gone = await cutTo(join(dataDir, 'journal', `${taskId}.jsonl`), 4);
    assert.deepEqual(gone, ['call.request', 'call.decision', 'call.response', 'task.ended']);
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  void test('sessions and show name the cut, in words and in --json', async () => {
    const list = await airlock(['sessions']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.stdout.includes(`[journal fault: ${expected()}]`), list.stdout);
    const json = JSON.parse((await airlock(['sessions', '--json'])).stdout) as {
      taskId: string;
      fault?: string;
    }[];
    assert.equal(json.find((x) => x.taskId === taskId)?.fault, expected());

    const show = await airlock(['show', taskId]);
    assert.equal(show.code, 0);
    assert.ok(show.stderr.includes(`warning: ${expected()}`), show.stderr);
    const shown = JSON.parse((await airlock(['show', taskId, '--json'])).stdout) as {
      events: unknown[];
      warnings?: string[];
    };
    assert.equal(shown.events.length, 4);
    assert.deepEqual(shown.warnings, [expected()]);
  });

  void test('export refuses; --allow-truncated signs it marked INCOMPLETE; verify exits 3; import says so', async () => {
    const out = join(work, 'cut.airlock');
    const refused = await airlock(['export', taskId, '-o', out]);
    assert.equal(refused.code, 1);
    assert.ok(refused.stderr.includes(expected()), refused.stderr);
    assert.match(refused.stderr, /not exported as a complete session.*--allow-truncated/);

    const marked = await airlock(['export', taskId, '-o', out, '--allow-truncated']);
    assert.equal(marked.code, 0, marked.stderr);
    assert.match(marked.stdout, /exported 4 events .*INCOMPLETE/);
    assert.ok(marked.stderr.includes(`warning: ${expected()}; the bundle is marked INCOMPLETE`));

    const v = await airlock(['verify', out]);
    assert.equal(v.code, 3, v.stdout + v.stderr);
    assert.match(
      v.stdout,
      /^verified \(INCOMPLETE\): 4 events, signed by SHA256:\S+ \(known: this gateway\)\n$/,
    );
    assert.ok(v.stderr.includes(`INCOMPLETE: ${expected()} before export`), v.stderr);

    const teammate = join(work, 'teammate');
    const im = await airlock(['import', out, '--allow-unknown-signer'], teammate);
    assert.equal(im.code, 0, im.stderr);
    assert.match(im.stdout, /4 events, read-only, INCOMPLETE/);
    assert.ok(im.stderr.includes(`INCOMPLETE: ${expected()} before export`));
    const theirs = JSON.parse((await airlock(['sessions', '--json'], teammate)).stdout) as {
      fault?: string;
    }[];
    assert.match(theirs[0]?.fault ?? '', /ends at seq 4 but the gateway recorded seq 8: events were removed/);
  });

  void test('the gateway does not extend a journal cut while it was stopped: the call is refused', async () => {
    const dir = join(work, 'live');
    let gw = await startGatewayProcess({ dataDir: dir, upstream: fake.url, credentials: fake.credentials });
    const task = await startTask(gw, ['--name', 'live', '--scope', scopeFile]);
    assert.equal((await awsV1(['sts', 'get-caller-identity'], task.env)).code, 0);
    assert.equal((await awsV1(['sts', 'get-caller-identity'], task.env)).code, 0);
    await gw.stop(); // a clean shutdown writes the head of every journal
    await cutTo(join(dir, 'journal', `${task.taskId}.jsonl`), 4);
    gw = await startGatewayProcess({ dataDir: dir, upstream: fake.url, credentials: fake.credentials });
    fake.reset();
    try {
      // The restarted gateway listens elsewhere; the task's key is the same.
      const env = Object.fromEntries(
        Object.entries(task.env).map(([k, v]) => [k, v.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${gw.port}`)]),
      );
      const call = await awsV1(['sts', 'get-caller-identity'], env);
      assert.notEqual(call.code, 0);
      assert.match(call.stderr, /RecordingUnavailable|could not record/);
      assert.match(gw.stderr(), /ends at seq 4 but the gateway recorded seq 7: events were removed/);
      assert.equal(fake.received.length, 0, 'nothing reached AWS');
    } finally {
      await gw.dispose();
    }
    const left = (await readFile(join(dir, 'journal', `${task.taskId}.jsonl`), 'utf8'))
      .split('\n')
      .filter(Boolean);
    assert.equal(left.length, 4, 'the cut journal is left as it was found');
  });
});
