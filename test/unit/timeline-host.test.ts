import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { journalContentSize } from '../../gateway/journal/content-size';
import type { Journal } from '../../gateway/journal/journal';
import { JournalFeed } from '../../extension/timeline/journal-feed';
import { ReadCoalescer } from '../../extension/timeline/read-coalescer';
import { TaskCounter } from '../../extension/timeline/task-counter';
import { themeKindOf } from '../../extension/timeline/theme-kind';
import { TimelineSource } from '../../extension/timeline/timeline-source';
import { eventMessages, toWire } from '../../extension/timeline/wire-events';
import type { WireEvent } from '../../webview/src/protocol';
import { callEvents, taskStarted } from './recording-support';
import { SECRET_BODY, TASK, type TimelineJournal, timelineJournal } from './support/timeline-journal';

let t: TimelineJournal;
let dir: string;
let journal: Journal;
const file = (): string => join(dir, 'journal', `${TASK}.jsonl`);

before(async () => {
  t = await timelineJournal();
  ({ dir, journal } = t);
});

after(() => t?.dispose());

void test('VS Code theme kinds map to the webview theme kinds', () => {
  assert.deepEqual([1, 2, 3, 4, 99].map(themeKindOf), [
    'light',
    'dark',
    'high-contrast',
    'high-contrast-light',
    'dark',
  ]);
});

void test('events go to the webview without bodies or chain fields; the call id of a left-out body is named', () => {
  const s = toWire({
    type: 'call.response',
    ts: 't',
    seq: 3,
    task: 'x',
    v: 2,
    prev: 'p',
    hash: 'h',
    data: { callId: 'c', status: 200, body: '{}' },
  });
  assert.deepEqual(s, {
    wire: { type: 'call.response', ts: 't', seq: 3, task: 'x', v: 2, data: { callId: 'c', status: 200 } },
    bodyOf: 'c',
  });
  assert.equal(toWire({ type: 'call.decision', ts: 't', data: { callId: 'c' } })?.bodyOf, undefined);
  assert.equal(toWire({ ts: 't' }), undefined);
});

void test('events are sliced into messages; only the first of a re-send resets, and an empty re-send still resets', () => {
  const ev = (n: number): WireEvent[] =>
    Array.from({ length: n }, (_, i) => ({ type: 'x', ts: String(i), seq: i + 1 }));
  const msgs = eventMessages('t', ev(25), true, 10);
  assert.deepEqual(
    msgs.map((m) => [m.events.length, m.reset === true]),
    [
      [10, true],
      [10, false],
      [5, false],
    ],
  );
  assert.deepEqual(
    eventMessages('t', [], true).map((m) => [m.events.length, m.reset]),
    [[0, true]],
  );
  assert.deepEqual(eventMessages('t', [], false), []);
  assert.equal(eventMessages('t', ev(3), false)[0]?.reset, undefined);
});

void describe('a task journal followed incrementally', () => {
  void test('reads what is new each time, leaves a torn last line for later; counts come from the summary', async () => {
    const feed = new JournalFeed(file());
    const counter = new TaskCounter(dir, TASK);
    const first = await feed.read();
    assert.equal(first.reset, false);
    assert.deepEqual(
      first.events.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.ok(first.events.every((e) => !('hash' in e) && !('prev' in e)));
    assert.ok(
      first.events.every((e) => !JSON.stringify(e).includes('SecretString')),
      'bodies stay behind',
    );
    assert.equal(await counter.read(), true);
    assert.deepEqual(
      { calls: counter.counts?.calls, allowed: counter.counts?.allowed, denied: counter.counts?.denied },
      { calls: 3, allowed: 2, denied: 1 },
    );
    assert.equal(await counter.read(), false, 'nothing new, nothing changed');
    assert.deepEqual((await feed.read()).events, [], 'nothing new, nothing read');

    // A line being written (or cut by a crash) is not read until it is complete.
    await journal.record(TASK, callEvents(4));
    // The journal is open: its file ends in space zero-filled ahead of its lines.
    const whole = (await readFile(file())).subarray(0, await journalContentSize(file()));
    const lastStart = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
    await truncate(file(), lastStart + 40);
    const partial = await feed.read();
    assert.deepEqual(
      partial.events.map((e) => e.seq),
      [11, 12],
    );
    await writeFile(file(), whole);
    assert.deepEqual(
      (await feed.read()).events.map((e) => e.seq),
      [13],
    );
    await counter.read();
    assert.equal(counter.counts?.calls, 4);
    assert.equal(feed.fault, undefined);
  });

  void test("a call's masked bodies are read back from its journal lines on request", async () => {
    const feed = new JournalFeed(file());
    await feed.read();
    const d = await feed.detail('call-3');
    assert.equal(d.response?.text, SECRET_BODY);
    assert.equal(d.response?.contentType, 'application/x-amz-json-1.0');
    assert.equal(d.request, undefined, 'requests are recorded as params, without a body');
    assert.deepEqual(await feed.detail('no-such-call'), {});
  });

  void test('a journal that got shorter (a rolled-back write) is read again from the start, as a reset', async () => {
    const scratch = join(dir, 'shrink.jsonl');
    const whole = await readFile(file());
    await writeFile(scratch, whole);
    const feed = new JournalFeed(scratch);
    await feed.read();
    const keep = whole.indexOf(0x0a) + 1;
    await writeFile(scratch, whole.subarray(0, keep));
    const again = await feed.read();
    assert.equal(again.reset, true);
    assert.deepEqual(
      again.events.map((e) => e.seq),
      [1],
    );
  });
});

void test('bursts of signals become one read, and a signal during a read one more read', async () => {
  let reads = 0;
  let release!: () => void;
  let gate: Promise<void> = Promise.resolve();
  const c = new ReadCoalescer(
    async () => {
      reads++;
      await gate;
    },
    (_k, e) => assert.fail(String(e)),
    5,
  );
  for (let i = 0; i < 50; i++) c.poke('a');
  await c.settled();
  assert.equal(reads, 1);
  gate = new Promise((r) => (release = r));
  c.poke('a');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(reads, 2, 'the read is running');
  for (let i = 0; i < 10; i++) c.poke('a');
  release();
  gate = Promise.resolve();
  await c.settled();
  assert.equal(reads, 3);
  c.dispose();
});

void test("live: an open task's recorded calls reach listeners in order, each event once, in few batches", async () => {
  const LIVE = 't-timeline-live';
  await journal.record(LIVE, [taskStarted(LIVE, 'live task')]);
  const source = new TimelineSource({
    dataDir: dir,
    client: () => undefined,
    log: () => undefined,
    readDelayMs: 10,
    listEveryMs: 10,
  });
  const batches: { events: readonly WireEvent[]; reset: boolean }[] = [];
  source.subscribe({
    events: (taskId, events, reset) => taskId === LIVE && batches.push({ events, reset }),
  });
  // A session panel opens the task: everything so far, then what is recorded after it.
  const opened = await source.allEvents(LIVE);
  assert.deepEqual(
    opened.map((e) => e.seq),
    [1],
  );
  const signal = (n: number): void =>
    source.gatewayEvent({
      type: 'call.recorded',
      call: {
        callId: `call-${n}`,
        taskId: LIVE,
        at: '',
        service: 'dynamodb',
        actions: [],
        resources: [],
        decision: 'allow',
      },
    });
  for (let n = 1; n <= 100; n++) {
    await journal.record(LIVE, callEvents(n));
    signal(n);
  }
  await source.settled();
  const seqs = [...opened, ...batches.flatMap((b) => b.events)].map((e) => e.seq);
  assert.deepEqual(
    seqs,
    Array.from({ length: 301 }, (_, i) => i + 1),
    'every event once, in journal order',
  );
  assert.ok(batches.length < 50, `batched (${batches.length} batches for 100 calls)`);
  assert.ok(batches.every((b) => !b.reset));
  assert.deepEqual(
    (await source.allEvents(LIVE)).map((e) => e.seq),
    seqs,
    'a re-send has the same events',
  );
  assert.equal(
    (await source.detail(LIVE, 'call-7')).response?.text,
    '{"Item":{"id":{"S":"o-7"},"total":{"N":"7"}}}',
  );
  source.dispose();
});
