import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyChain } from '../../gateway/journal/chain';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';

const err = (n: number): EventBody => ({ type: 'call.error', data: { code: 'X', message: `m${n}` } });

void describe('journal', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-journal-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('concurrent appends form one verified chain in call order', async () => {
    const j = await Journal.create(join(dir, 'a'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => j.record('t1', [err(i)])));
    const c = await j.read('t1');
    assert.equal(c.events.length, 200);
    assert.deepEqual(
      c.events.map((e) => (e.data as { message: string }).message),
      Array.from({ length: 200 }, (_, i) => `m${i}`),
    );
    assert.equal(verifyChain(c.events).ok, true);
    await j.close();
  });

  void test('each kind of tampering is detected', async () => {
    const j = await Journal.create(join(dir, 'b'));
    await j.record('t', [err(1), err(2), err(3)]);
    await j.close();
    const { events } = await j.read('t');
    const edited = structuredClone(events);
    (edited[1]!.data as { message: string }).message = 'changed';
    assert.deepEqual(verifyChain(edited), { ok: false, fault: { kind: 'bad-hash', line: 2, seq: 2 } });
    assert.equal(verifyChain([events[0], events[2]]).ok, false);
    assert.equal(verifyChain([events[1], events[0], events[2]]).ok, false);
  });

  void test('a failed write refuses the append, leaves no torn line, and the chain continues once writes work', async () => {
    let failing = false;
    const j = await Journal.create(join(dir, 'c'), () =>
      failing ? new Error('ENOSPC: no space left on device') : undefined,
    );
    await j.record('t', [err(1)]);
    failing = true;
    await assert.rejects(j.record('t', [err(2)]), /ENOSPC/);
    await assert.rejects(j.record('t', [err(3)]), /ENOSPC/);
    failing = false;
    await j.record('t', [err(4)]);
    await j.close();
    const c = await j.read('t');
    assert.deepEqual(
      c.events.map((e) => [e.seq, (e.data as { message: string }).message]),
      [
        [1, 'm1'],
        [2, 'm4'],
      ],
    );
    assert.equal(c.validBytes, c.totalBytes);
  });

  void test('queue: events are sealed and queued without waiting for the disk, share the group commit, and report durability apart', async () => {
    let failing = false;
    const batches: number[][] = [];
    const j = await Journal.create(
      join(dir, 'q'),
      () => (failing ? new Error('ENOSPC: no space left on device') : undefined),
      undefined,
      undefined,
      (_task, events) => batches.push(events.map((e) => e.seq)),
    );
    await j.record('t', [err(1)]);
    // A response queued next to a request recorded in the same tick: one write, one fdatasync.
    const request = j.record('t', [err(2)]);
    const { durable } = await j.queue('t', [err(3)]);
    await Promise.all([request, durable]);
    assert.deepEqual(batches, [[1], [2, 3]]);
    // Queued alone, it waits for the next call's commit rather than starting one of its own...
    const alone = await j.queue('t', [err(31)]);
    await new Promise((r) => setImmediate(r));
    assert.equal(batches.length, 2, 'no commit of its own yet');
    assert.match(await readFile(j.fileOf('t'), 'utf8'), /"m31"/, 'but written: readers see it');
    await j.record('t', [err(32)]);
    await alone.durable;
    assert.deepEqual(batches[2], [4, 5], 'it rode on the next commit');
    // ...and gets one of its own when no call comes.
    const idle = await j.queue('t', [err(33)]);
    await idle.durable;
    assert.deepEqual(batches[3], [6]);
    // A failing disk does not hold a queued append back: it resolves, and its durability fails.
    failing = true;
    const queued = await j.queue('t', [err(4)]);
    await assert.rejects(queued.durable, /ENOSPC/);
    failing = false;
    await j.record('t', [err(5)]);
    await j.close();
    const c = await j.read('t');
    assert.deepEqual(
      c.events.map((e) => (e.data as { message: string }).message),
      ['m1', 'm2', 'm3', 'm31', 'm32', 'm33', 'm5'],
    );
    assert.equal(verifyChain(c.events).ok, true);
  });

  void test('a failed round fails every append batched into it; the chain goes on from the last durable event', async () => {
    // Write 1 carries m1; m2-m4 are appended once it is out and share write 2, which fails.
    let writes = 0;
    const j = await Journal.create(join(dir, 'c2'), () =>
      ++writes === 2 ? new Error('EIO: i/o error') : undefined,
    );
    const first = j.record('t', [err(1)]);
    while (writes < 1) await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map((n) => j.record('t', [err(n)]));
    const outcomes = await Promise.allSettled([first, ...rest]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'rejected', 'rejected'],
    );
    await j.record('t', [err(5)]);
    await j.close();
    const c = await j.read('t');
    assert.deepEqual(
      c.events.map((e) => [e.seq, (e.data as { message: string }).message]),
      [
        [1, 'm1'],
        [2, 'm5'],
      ],
    );
    assert.equal(verifyChain(c.events).ok, true);
    assert.equal(c.validBytes, c.totalBytes);
  });

  void test(
    'with the fdatasync on the event loop (a lone call), appends stay durable, ordered and failable',
    { timeout: 10_000 },
    async () => {
      let failing = false;
      let asked = 0;
      const j = await Journal.create(
        join(dir, 'loop'),
        () => (failing ? new Error('EIO: i/o error') : undefined),
        () => ++asked > 0,
      );
      // One at a time, as a lone call does: each append must settle (a flush that finished in the
      // same tick once left the journal believing a flush was still running, and hung).
      for (let n = 1; n <= 5; n++) await j.record('t', [err(n)]);
      const together = await Promise.all([6, 7, 8].map((n) => j.record('t', [err(n)])));
      assert.deepEqual(
        together.map((evs) => evs[0]?.seq),
        [6, 7, 8],
      );
      failing = true;
      await assert.rejects(j.record('t', [err(9)]), /EIO/);
      failing = false;
      await j.record('t', [err(10)]);
      await j.close();
      assert.ok(asked > 0, 'the journal asked whether it may sync on the loop');
      const c = await j.read('t');
      assert.deepEqual(
        c.events.map((e) => (e.data as { message: string }).message),
        ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm10'],
      );
      assert.equal(verifyChain(c.events).ok, true);
    },
  );

  void test('a torn tail left by a crash is cut off on open and appends continue the chain', async () => {
    const jdir = join(dir, 'd');
    const j = await Journal.create(jdir);
    await j.record('t', [err(1), err(2)]);
    await j.close();
    const file = j.fileOf('t');
    await appendFile(file, '{"v":1,"task":"t","seq":3,"ts":"2026-');
    const torn = await readJournalFile(file);
    assert.equal(torn.events.length, 2);
    assert.ok(torn.validBytes < torn.totalBytes);
    assert.equal(torn.tornTail, true);
    const j2 = await Journal.create(jdir);
    await j2.record('t', [err(3)]);
    await j2.close();
    const c = await readJournalFile(file);
    assert.deepEqual(
      c.events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(c.fault, undefined);
  });

  void test('task ids cannot escape the journal directory', async () => {
    const j = await Journal.create(join(dir, 'e'));
    assert.throws(() => j.fileOf('../../etc/passwd'));
    await j.close();
  });

  void test('a journal edited on disk reports the first bad line', async () => {
    const j = await Journal.create(join(dir, 'f'));
    await j.record('t', [err(1), err(2), err(3)]);
    await j.close();
    const file = j.fileOf('t');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('m2', 'mX');
    await writeFile(file, lines.join('\n'));
    const c = await readJournalFile(file);
    assert.equal(c.events.length, 1);
    assert.equal(c.fault?.kind, 'bad-hash');
    assert.equal(c.tornTail, false);
    const j2 = await Journal.create(join(dir, 'f'));
    await assert.rejects(j2.record('t', [err(4)]), /fails verification at line 2 \(bad-hash\)/);
    assert.equal(await readFile(file, 'utf8'), lines.join('\n'), 'evidence left untouched');
  });
});
