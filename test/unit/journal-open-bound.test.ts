import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ChainHead } from '../../gateway/journal/chain';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import type { HeadRecorder } from '../../gateway/journal/recorded-head';

const ev = (m: string): EventBody => ({ type: 'call.error', data: { code: 'X', message: m } });

/** Every event's message, in chain order, after checking the chain verifies end to end. */
async function messages(j: Journal, taskId: string): Promise<string[]> {
  const c = await readJournalFile(j.fileOf(taskId));
  assert.equal(c.fault, undefined, `${taskId} verifies`);
  assert.equal(c.tornTail, false);
  c.events.forEach((e, i) => assert.equal(e.seq, i + 1));
  return c.events.map((e) => String((e.data as { message: string }).message));
}

/** The heads the journal reports, as the gateway's JournalHeads would keep them. */
function headLog(): HeadRecorder & { last: Map<string, ChainHead> } {
  const last = new Map<string, ChainHead>();
  return {
    last,
    recorded: (s) => last.get(s),
    durable: (s, h) => {
      const before = last.get(s);
      assert.ok(!before || h.seq >= before.seq, `head of ${s} never goes back`);
      last.set(s, h);
    },
    flush: () => Promise.resolve(),
  };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 60));

void describe('journal: a bounded number of open task journals', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-journal-bound-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('cap 2, three tasks appending in turn: at most 2 stay open, every chain continues and verifies', async () => {
    const heads = headLog();
    const j = await Journal.create(join(dir, 'a'), undefined, undefined, heads, undefined, 2);
    const tasks = ['t1', 't2', 't3'];
    for (let round = 0; round < 5; round++)
      for (const t of tasks) {
        await j.record(t, [ev(`${t}-${round}a`), ev(`${t}-${round}b`)]);
        // Lazy (response-like) appends too: they must be committed before their journal is closed.
        const { durable } = await j.queue(t, [ev(`${t}-${round}c`)]);
        await durable;
        await settle();
        assert.ok(j.openCount <= 2, `open journals: ${j.openCount}`);
      }
    await j.close();
    for (const t of tasks) {
      const want = [0, 1, 2, 3, 4].flatMap((r) => [`${t}-${r}a`, `${t}-${r}b`, `${t}-${r}c`]);
      assert.deepEqual(await messages(j, t), want);
      const c = await readJournalFile(j.fileOf(t));
      assert.deepEqual(heads.last.get(t), c.head, `the recorded head of ${t} is its journal's end`);
    }
  });

  void test('concurrent appends while journals are closed and reopened lose nothing and keep their order', async () => {
    const j = await Journal.create(join(dir, 'b'), undefined, undefined, headLog(), undefined, 2);
    const tasks = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const issued = new Map<string, string[]>(tasks.map((t) => [t, []]));
    const pending: Promise<unknown>[] = [];
    for (let wave = 0; wave < 20; wave++) {
      for (let i = 0; i < 15; i++) {
        const t = tasks[(wave * 7 + i * 3) % tasks.length]!;
        const m = `${t}-${wave}-${i}`;
        issued.get(t)!.push(m);
        if (i % 3 === 0) pending.push(j.queue(t, [ev(m)]).then(({ durable }) => durable));
        else pending.push(j.record(t, [ev(m)]));
      }
      // Let some commits finish between waves, so idle journals are closed while others append.
      if (wave % 4 === 3) await settle();
      else await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    await settle();
    assert.ok(j.openCount <= 2, `open journals once idle: ${j.openCount}`);
    await j.close();
    for (const t of tasks) assert.deepEqual(await messages(j, t), issued.get(t));
  });

  void test('a journal closed for the bound reopens where it ended, even after the gateway object is gone', async () => {
    const jdir = join(dir, 'c');
    const j = await Journal.create(jdir, undefined, undefined, undefined, undefined, 1);
    await j.record('v1', [ev('1')]);
    await j.record('v2', [ev('2')]);
    await settle();
    assert.equal(j.openCount, 1);
    await j.record('v1', [ev('3')]);
    await j.record('v2', [ev('4')]);
    await j.release('v1');
    await j.close();
    const j2 = await Journal.create(jdir);
    await j2.record('v1', [ev('5')]);
    await j2.close();
    assert.deepEqual(await messages(j, 'v1'), ['1', '3', '5']);
    assert.deepEqual(await messages(j, 'v2'), ['2', '4']);
  });

  void test('a closed journal whose end changed meanwhile is read and verified in full on reopen', async () => {
    const j = await Journal.create(join(dir, 'd'), undefined, undefined, undefined, undefined, 1);
    await j.record('w1', [ev('1'), ev('2')]);
    await j.record('w2', [ev('x')]);
    await settle();
    const file = j.fileOf('w1');
    // The last event rewritten, same length: its hash no longer matches the one the journal left.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"message":"2"', '"message":"9"'));
    await assert.rejects(j.record('w1', [ev('3')]), /fails verification at line 2 \(bad-hash\)/);
    assert.equal(await readFile(file, 'utf8'), text.replace('"message":"2"', '"message":"9"'));
    await j.close();
  });

  void test('closeIdle gives back every idle descriptor; busy journals stay open until committed', async () => {
    const j = await Journal.create(join(dir, 'e'), undefined, undefined, undefined, undefined, 8);
    for (const t of ['x1', 'x2', 'x3']) await j.record(t, [ev(t)]);
    await settle();
    assert.equal(j.openCount, 3);
    const inFlight = j.record('x1', [ev('x1-late')]);
    await j.closeIdle();
    assert.equal(j.openCount, 1, 'only the journal with an append in flight stays open');
    await inFlight;
    await j.record('x2', [ev('x2-late')]);
    await j.close();
    assert.deepEqual(await messages(j, 'x1'), ['x1', 'x1-late']);
    assert.deepEqual(await messages(j, 'x2'), ['x2', 'x2-late']);
  });
});
