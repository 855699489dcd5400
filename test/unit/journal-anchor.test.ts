import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle } from '../../gateway/bundle/import-bundle';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import { JournalFeed } from '../../extension/timeline/journal-feed';
import { sealEvent, EMPTY_HEAD, type ChainHead } from '../../gateway/journal/chain';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { JournalEndError } from '../../gateway/journal/journal-errors';
import { RecordingIndex } from '../../gateway/recording/recording-index';
import { JOURNAL_HEADS_FILE, JournalHeads, readRecordedHeads } from '../../gateway/tasks/journal-heads';
import { callEvents, taskStarted } from './recording-support';

const ended = (taskId: string): EventBody => ({ type: 'task.ended', data: { taskId, reason: 'ended' } });

/** The lines of a journal file, and the file cut back to its first `keep` lines (an attacker's edit). */
async function cutTo(file: string, keep: number): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  await writeFile(
    file,
    lines
      .slice(0, keep)
      .map((l) => `${l}\n`)
      .join(''),
  );
}

/** A task whose last events are a denied call and its end, recorded through the gateway's journal. */
async function recordTask(dataDir: string, taskId: string, intervalMs = 60_000): Promise<string> {
  const heads = await JournalHeads.load(dataDir, undefined, intervalMs);
  const j = await Journal.create(dataDir, undefined, undefined, heads);
  await j.record(taskId, [taskStarted(taskId, 'anchored')]);
  await j.record(taskId, callEvents(1));
  await j.record(taskId, callEvents(2, { decision: 'deny' }));
  await j.record(taskId, [ended(taskId)]);
  await j.close();
  return join(dataDir, 'journal', `${taskId}.jsonl`);
}

void describe('journal anchors: the gateway records where each journal ends', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-anchor-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('heads reach disk at checkpoints, not per call; a task end writes its head before returning', async () => {
    const d = join(dir, 'checkpoints');
    const heads = await JournalHeads.load(d, undefined, 150);
    const j = await Journal.create(d, undefined, undefined, heads);
    await j.record('t-a', [taskStarted('t-a')]);
    await j.record('t-a', callEvents(1));
    // The durable head is known at once in memory, but nothing was written on the call path.
    assert.equal(heads.recorded('t-a')?.seq, 4);
    assert.equal((await readRecordedHeads(d)).missing, true);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await readRecordedHeads(d)).get('t-a')?.seq, 4, 'written at the checkpoint');
    await j.record('t-a', [ended('t-a')]);
    const onDisk = (await readRecordedHeads(d)).get('t-a');
    const journal = await readJournalFile(join(d, 'journal', 't-a.jsonl'));
    assert.deepEqual(onDisk, journal.head, 'the end is on disk as soon as task.ended is recorded');
    await j.close();
  });

  void test('a write that fails moves no anchor: the recorded head never leads the durable journal', async () => {
    const d = join(dir, 'failing');
    let fail = false;
    const heads = await JournalHeads.load(d, undefined, 10);
    const j = await Journal.create(d, () => (fail ? new Error('ENOSPC') : undefined), undefined, heads);
    await j.record('t-f', [taskStarted('t-f')]);
    fail = true;
    await assert.rejects(j.record('t-f', callEvents(1)), /ENOSPC/);
    fail = false;
    await j.close();
    assert.equal((await readRecordedHeads(d)).get('t-f')?.seq, 1);
    assert.equal((await readJournalFile(join(d, 'journal', 't-f.jsonl'))).head?.seq, 1);
  });

  void test('cutting the denied call and task.ended off is named by every reader, and the journal is not reopened', async () => {
    const d = join(dir, 'cut');
    const file = await recordTask(d, 't-cut');
    const whole = await readJournalFile(file);
    assert.equal(whole.head?.seq, 8);
    await cutTo(file, 4); // task.started + the allowed call: the deny and the end are gone
    const expected =
      'journal of task t-cut ends at seq 4 but the gateway recorded seq 8: events were removed';

    const heads = await readRecordedHeads(d);
    const c = await readJournalFile(file, { recorded: heads.get('t-cut') });
    assert.equal(c.fault, undefined, 'the chain of what is left verifies: only the anchor shows the cut');
    assert.deepEqual(c.endFault, { kind: 'truncated', journalSeq: 4, recordedSeq: 8 });

    const index = await RecordingIndex.open(d);
    await index.sync();
    assert.equal(index.sessions().find((s) => s.taskId === 't-cut')?.fault, expected);
    index.close();

    await assert.rejects(
      exportBundle({ dataDir: d, taskId: 't-cut', out: join(d, 'x.airlock') }),
      (e: Error) => {
        assert.equal((e as { code?: string }).code, 'JournalTruncated');
        assert.ok(e.message.startsWith(expected), e.message);
        assert.match(e.message, /--allow-truncated/);
        return true;
      },
    );

    const feed = new JournalFeed(file, async () => (await readRecordedHeads(d)).get('t-cut'));
    await feed.read();
    assert.equal(feed.fault, expected);

    // The gateway refuses to extend the cut chain (that would hide the cut once the anchor moved on).
    const j = await Journal.create(d, undefined, undefined, await JournalHeads.load(d));
    await assert.rejects(j.record('t-cut', callEvents(9)), (e: Error) => e instanceof JournalEndError);
    await j.close();
    assert.equal((await readJournalFile(file)).head?.seq, 4, 'left untouched');
  });

  void test('a journal re-chained to the same length with other content is named as rewritten', async () => {
    const d = join(dir, 'rewritten');
    const file = await recordTask(d, 't-rw');
    let head: ChainHead = EMPTY_HEAD;
    let text = '';
    const bodies: EventBody[] = [
      taskStarted('t-rw', 'anchored'),
      ...callEvents(1),
      ...callEvents(2), // the denied call, now "allowed"
      ended('t-rw'),
    ];
    for (const b of bodies) {
      const { event, line } = sealEvent('t-rw', head, b, new Date());
      head = { seq: event.seq, hash: event.hash };
      text += `${line}\n`;
    }
    await writeFile(file, text);
    const c = await readJournalFile(file, { recorded: (await readRecordedHeads(d)).get('t-rw') });
    assert.equal(c.fault, undefined);
    assert.deepEqual(c.endFault, { kind: 'rewritten', seq: 8 });
    await assert.rejects(
      exportBundle({ dataDir: d, taskId: 't-rw', out: join(d, 'x.airlock') }),
      /rewritten/,
    );
  });

  void test('--allow-truncated exports what is left, marked incomplete in the signed header, for every reader', async () => {
    const d = join(dir, 'marked');
    const file = await recordTask(d, 't-mark');
    await cutTo(file, 4);
    const out = join(d, 'left.airlock');
    const r = await exportBundle({ dataDir: d, taskId: 't-mark', out, allowTruncated: true });
    assert.equal(r.events, 4);
    assert.match(r.incomplete ?? '', /ends at seq 4 but the gateway recorded seq 8/);
    const v = await verifyBundle(await readFile(out));
    assert.ok(v.ok);
    assert.equal(v.header.events.recorded?.seq, 8);
    assert.equal(
      v.incomplete,
      'journal of task t-mark ends at seq 4 but the gateway recorded seq 8: events were removed before export; this bundle holds only what was left',
    );
    // Removing the mark breaks the signature: the header that says "incomplete" is the signed one.
    const other = join(d, 'teammate');
    const imported = await importBundle(other, out, { allowUnknownSigner: true });
    assert.equal(imported.incomplete, v.incomplete);
    const index = await RecordingIndex.open(other);
    await index.sync();
    assert.equal(index.sessions()[0]?.fault, v.incomplete);
    index.close();
  });

  void test('an anchor written after the index read an (already cut) journal still flags it on the next sync', async () => {
    const d = join(dir, 'late-anchor');
    // A running gateway: heads move in memory and reach disk only at its checkpoint (an hour here).
    const heads = await JournalHeads.load(d, undefined, 3_600_000);
    const j = await Journal.create(d, undefined, undefined, heads);
    await j.record('t-late', [taskStarted('t-late')]);
    await heads.flush(); // on disk: seq 1
    await j.record('t-late', callEvents(1));
    await j.record('t-late', callEvents(2, { decision: 'deny' })); // durable: seq 7
    const file = join(d, 'journal', 't-late.jsonl');
    await cutTo(file, 4); // the denied call goes while its head is only in the gateway's memory
    const index = await RecordingIndex.open(d);
    await index.sync();
    assert.equal(index.sessions()[0]?.fault, undefined, 'the anchor on disk (seq 1) is reached');
    await heads.flush(); // the checkpoint: seq 7; the journal file does not change
    await index.sync();
    assert.equal(
      index.sessions()[0]?.fault,
      'journal of task t-late ends at seq 4 but the gateway recorded seq 7: events were removed',
    );
    index.close();
    await j.close().catch(() => undefined);
  });

  void test('a journal deleted whole is reported as missing unless retention pruned it', async () => {
    const d = join(dir, 'deleted');
    const file = await recordTask(d, 't-gone');
    await rm(file);
    const index = await RecordingIndex.open(d);
    const report = await index.sync();
    assert.deepEqual(report.missing, [
      {
        session: 't-gone',
        message: 'journal of task t-gone is missing but the gateway recorded seq 8: events were removed',
      },
    ]);
    const heads = await JournalHeads.load(d);
    heads.pruned('t-gone');
    await heads.flush();
    assert.deepEqual((await index.sync()).missing, []);
    index.close();
  });

  void test('an unparsable heads file stops the gateway from opening it, naming the file', async () => {
    const d = join(dir, 'bad-heads');
    await recordTask(d, 't-x');
    await writeFile(join(d, JOURNAL_HEADS_FILE), '');
    await assert.rejects(JournalHeads.load(d), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'StateFileInvalid');
      assert.match(e.message, /journal-heads\.json is empty/);
      return true;
    });
  });
});
