import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { journalContentSize } from '../../gateway/journal/content-size';
import { startFakeAws, type FakeAws } from '../fakes';
import {
  cli,
  getSecretValue,
  GET_CALLER_IDENTITY,
  type RawGateway,
  signedCall,
  spawnGateway,
  startTaskIn,
} from './recording-helpers';

async function summaryOffset(dataDir: string, taskId: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'summaries', `${taskId}.json`), 'utf8').catch(() => undefined);
  return text === undefined
    ? undefined
    : (JSON.parse(text) as { checkpoint: { offset: number } }).checkpoint.offset;
}

/**
 * The store as queries see it after a gateway run (issue 12), through the real CLI: the gateway
 * keeps each task's summary as it journals, a kill -9 leaves the summary behind the journal and
 * `sessions` tops it up, `calls` answers from the chunked index, and an edit anywhere in the
 * journal is found by the index and then shown by `sessions` and `show`.
 */
void describe('recording store after a run (real process)', () => {
  let fake: FakeAws;
  let dataDir: string;
  let gw: RawGateway | undefined;
  before(async () => {
    fake = await startFakeAws();
    dataDir = await mkdtemp(join(tmpdir(), 'airlock-store-'));
  });
  after(async () => {
    await gw?.stop('SIGKILL');
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  void test('a summary older than the journal (kill -9) is topped up; tampering is found by the call index', async () => {
    gw = await spawnGateway({ dataDir, upstream: fake.url, credentials: fake.credentials });
    const task = await startTaskIn(dataDir, 'store run');
    const creds = {
      port: gw.port,
      accessKeyId: task.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY ?? '',
    };
    for (let i = 0; i < 40; i++)
      assert.equal((await signedCall({ ...creds, ...GET_CALLER_IDENTITY })).status, 200);
    for (let i = 0; i < 10; i++)
      assert.equal((await signedCall({ ...creds, ...getSecretValue(fake.planted.secretName) })).status, 200);
    const journal = join(dataDir, 'journal', `${task.taskId}.jsonl`);
    // The gateway writes the summary off the hot path, within a few seconds of the last call. (The
    // live journal's file runs on past its last line with space filled ahead of it.)
    const deadline = Date.now() + 15_000;
    while ((await summaryOffset(dataDir, task.taskId)) !== (await journalContentSize(journal))) {
      assert.ok(Date.now() < deadline, 'the summary caught up with the journal');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 10; i++)
      assert.equal((await signedCall({ ...creds, ...GET_CALLER_IDENTITY })).status, 200);
    await gw.stop('SIGKILL');
    gw = undefined;
    const behind = await summaryOffset(dataDir, task.taskId);
    assert.ok(
      behind !== undefined && behind < (await journalContentSize(journal)),
      'the kill left the summary behind',
    );

    const sessions = await cli(dataDir, ['sessions', '--json']);
    assert.equal(sessions.code, 0, sessions.stderr);
    const s = (
      JSON.parse(sessions.stdout) as { taskId: string; calls: number; allowed: number; fault?: string }[]
    ).find((x) => x.taskId === task.taskId);
    assert.deepEqual([s?.calls, s?.allowed, s?.fault], [60, 60, undefined]);

    const secrets = await cli(dataDir, ['calls', '--json', '--service', 'secretsmanager']);
    assert.equal(secrets.code, 0, secrets.stderr);
    assert.equal((JSON.parse(secrets.stdout) as unknown[]).length, 10);
    const first = JSON.parse((await cli(dataDir, ['calls', '--json', '--limit', '3'])).stdout) as {
      seq: number;
    }[];
    assert.deepEqual(
      first.map((c) => c.seq),
      [2, 5, 8],
      'the oldest three, in order',
    );

    // An edit well before the summary's position: the call index reads (and verifies) everything.
    const text = await readFile(journal, 'utf8');
    const edited = text.replace('"name":"store run"', '"name":"store RUN"');
    assert.ok(edited !== text, 'the task name is in the first event');
    await writeFile(journal, edited);
    const calls = await cli(dataDir, ['calls', '--json']);
    assert.equal(calls.code, 0, calls.stderr);
    const after = JSON.parse((await cli(dataDir, ['sessions', '--json'])).stdout) as {
      taskId: string;
      fault?: string;
    }[];
    assert.match(after.find((x) => x.taskId === task.taskId)?.fault ?? '', /^bad-hash at line 1$/);
    const show = await cli(dataDir, ['show', task.taskId]);
    assert.match(show.stderr, /fails verification at line 1 \(bad-hash\)/);
  });
});
