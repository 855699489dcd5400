import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import type { TaskInfo } from '../../gateway/protocol';
import { CATALOG_FILE, INDEX_DIR } from '../../gateway/recording/index-catalog';
import { RecordingIndex } from '../../gateway/recording/recording-index';
import { pruneRecordings } from '../../gateway/recording/retention';
import { summaryFile, writeSummaryFile } from '../../gateway/recording/summary-checkpoint';
import { callEvents, taskStarted } from './recording-support';

const FIXTURE = join(import.meta.dirname, 'recording-v1-fixture.jsonl');

void describe('recording: format versions', () => {
  void test('a version-1 journal (written before v2) still reads and verifies', async () => {
    const c = await readJournalFile(FIXTURE);
    assert.equal(c.fault, undefined);
    assert.equal(c.events.length, 8);
    assert.ok(c.events.every((e) => e.v === 1));
    assert.deepEqual(
      c.events.map((e) => e.type),
      [
        'task.started',
        'call.request',
        'call.decision',
        'call.response',
        'call.request',
        'call.decision',
        'call.response',
        'task.ended',
      ],
    );
  });

  void test('a v1 chain continues with v2 events in the same file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-v1v2-'));
    try {
      await mkdir(join(dir, 'journal'));
      await copyFile(FIXTURE, join(dir, 'journal', 't-v1fixture0001.jsonl'));
      const j = await Journal.create(dir);
      await j.record('t-v1fixture0001', callEvents(3));
      await j.close();
      const c = await readJournalFile(join(dir, 'journal', 't-v1fixture0001.jsonl'));
      assert.equal(c.fault, undefined);
      assert.deepEqual([...new Set(c.events.map((e) => e.v))], [1, 2]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

void describe('recording: the sql.js index', () => {
  let dir: string;
  let journal: Journal;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-index-'));
    journal = await Journal.create(dir);
    await journal.record('t-a', [taskStarted('t-a', 'fix upload lambda')]);
    await journal.record(
      't-a',
      callEvents(1, {
        service: 'lambda',
        operation: 'UpdateFunctionCode',
        action: 'lambda:UpdateFunctionCode',
      }),
    );
    await journal.record(
      't-a',
      callEvents(2, { service: 'iam', operation: 'DeleteRole', action: 'iam:DeleteRole', decision: 'deny' }),
    );
    await journal.record('t-a', callEvents(3, { body: '{"Item":{"note":{"S":"quarterly invoice zebra"}}}' }));
    await journal.record('t-b', [taskStarted('t-b', 'other', { Version: '2012-10-17', Statement: [] })]);
    await journal.record('t-b', callEvents(4, { identity: 'alice', status: 500 }));
  });
  after(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  void test('sessions with counts, and calls by service, action, decision, status, identity, text', async () => {
    const index = await RecordingIndex.open(dir);
    const r = await index.sync();
    assert.equal(r.indexedEvents, 1 + 9 + 1 + 3);
    const sessions = index.sessions();
    const a = sessions.find((s) => s.session === 't-a');
    assert.equal(a?.name, 'fix upload lambda');
    assert.deepEqual([a?.events, a?.calls, a?.allowed, a?.denied, a?.errors], [10, 3, 2, 1, 1]);
    const ids = async (f: Parameters<typeof index.findCalls>[0]): Promise<string[]> =>
      (await index.findCalls(f)).map((c) => c.callId);
    assert.deepEqual(await ids({ service: 'lambda' }), ['call-1']);
    assert.deepEqual(await ids({ action: 'iam:Delete*' }), ['call-2']);
    assert.deepEqual(await ids({ action: 'IAM:deleterole' }), ['call-2'], 'actions match case-insensitively');
    assert.deepEqual(await ids({ decision: 'deny' }), ['call-2']);
    assert.deepEqual(await ids({ status: '5xx' }), ['call-4']);
    assert.deepEqual((await ids({ status: 'error' })).sort(), ['call-2', 'call-4']);
    assert.deepEqual(await ids({ identity: 'alice' }), ['call-4']);
    assert.deepEqual(
      await ids({ text: 'zebra' }),
      ['call-3'],
      'free text reaches the (masked) response body',
    );
    assert.deepEqual(await ids({ session: 't-a', service: 'dynamodb' }), ['call-3']);
    assert.deepEqual(await ids({ since: '2999-01-01T00:00:00Z' }), []);
    await index.save();
    index.close();
  });

  void test('the index catches up incrementally from its snapshot and rebuilds a replaced journal', async () => {
    await journal.record(
      't-a',
      callEvents(5, { service: 's3', operation: 'ListBuckets', action: 's3:ListAllMyBuckets' }),
    );
    let index = await RecordingIndex.open(dir);
    let r = await index.sync();
    assert.equal(r.indexedEvents, 3, 'only the appended call is read');
    assert.equal(index.sessions().find((s) => s.session === 't-a')?.calls, 4);
    await index.save();
    index.close();
    // A journal replaced by another history no longer links to what was indexed: it is rebuilt.
    await journal.release('t-b');
    const file = join(dir, 'journal', 't-b.jsonl');
    await rm(file);
    const j2 = await Journal.create(dir);
    await j2.record('t-b', [taskStarted('t-b', 'other again')]);
    await j2.record('t-b', callEvents(6));
    await j2.record('t-b', callEvents(7));
    await j2.close();
    index = await RecordingIndex.open(dir);
    r = await index.sync();
    assert.deepEqual(r.rebuilt, ['t-b']);
    const b = index.sessions().find((s) => s.session === 't-b');
    assert.deepEqual([b?.name, b?.calls], ['other again', 2]);
    index.close();
  });

  void test('a lost or corrupt snapshot only costs a rebuild; a torn tail is left out', async () => {
    await writeFile(join(dir, INDEX_DIR, CATALOG_FILE), 'not a catalog');
    await appendFile(join(dir, 'journal', 't-a.jsonl'), '{"data":{"callId":"torn"');
    const index = await RecordingIndex.open(dir);
    await index.sync();
    assert.equal(index.sessions().find((s) => s.session === 't-a')?.calls, 4);
    index.close();
  });

  void test('a tampered journal is indexed up to the fault and reported', async () => {
    const d = await mkdtemp(join(tmpdir(), 'airlock-index-bad-'));
    try {
      const j = await Journal.create(d);
      await j.record('t-x', [taskStarted('t-x')]);
      await j.record('t-x', callEvents(1));
      await j.record('t-x', callEvents(2));
      await j.close();
      const file = join(d, 'journal', 't-x.jsonl');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"o-2"', '"o-9"'));
      const index = await RecordingIndex.open(d);
      const r = await index.sync();
      assert.equal(r.faults[0]?.session, 't-x');
      assert.match(r.faults[0]?.fault ?? '', /bad-hash/);
      const s = index.sessions()[0];
      assert.equal(s?.calls, 1);
      assert.match(s?.fault ?? '', /bad-hash/);
      index.close();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});

void describe('recording: retention', () => {
  const task = (taskId: string, state: TaskInfo['state'], endedAt?: string): TaskInfo => ({
    taskId,
    name: taskId,
    accessKeyId: 'AKIA',
    startedBy: 'dev',
    startedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    endedAt,
    state,
  });

  void test('ended tasks past the age go, active ones never, unknown ones are left alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-retention-'));
    try {
      const j = await Journal.create(dir);
      for (const t of ['t-old', 't-new', 't-active', 't-unknown']) await j.record(t, [taskStarted(t)]);
      await writeSummaryFile(dir, 't-old', '{}');
      const now = Date.parse('2026-03-01T00:00:00Z');
      const tasks = [
        task('t-old', 'ended', '2026-01-01T00:00:00.000Z'),
        task('t-new', 'ended', '2026-02-28T00:00:00.000Z'),
        task('t-active', 'active'),
      ];
      const released: string[] = [];
      const r = await pruneRecordings(
        dir,
        tasks,
        { maxAgeDays: 30 },
        (id) => {
          released.push(id);
          return j.release(id);
        },
        now,
      );
      assert.deepEqual(r.removed, ['t-old']);
      assert.deepEqual(released, ['t-old']);
      await assert.rejects(stat(join(dir, 'journal', 't-old.jsonl')));
      await assert.rejects(stat(summaryFile(dir, 't-old')), 'its summary goes with it');
      for (const t of ['t-new', 't-active', 't-unknown']) await stat(join(dir, 'journal', `${t}.jsonl`));
      // Size budget: the oldest ended go first, until under it; the active task stays even if it alone is over.
      const r2 = await pruneRecordings(dir, tasks, { maxTotalBytes: 1 }, (id) => j.release(id), now);
      assert.deepEqual(r2.removed, ['t-new']);
      await stat(join(dir, 'journal', 't-active.jsonl'));
      await j.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
