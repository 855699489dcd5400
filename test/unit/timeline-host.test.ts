import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle } from '../../gateway/bundle/import-bundle';
import { Journal } from '../../gateway/journal/journal';
import { openBundle } from '../../extension/timeline/bundle-session';
import { ImportedBundles } from '../../extension/timeline/imported-bundles';
import { JournalFeed } from '../../extension/timeline/journal-feed';
import { ReadCoalescer } from '../../extension/timeline/read-coalescer';
import { TaskCounter } from '../../extension/timeline/task-counter';
import { themeKindOf } from '../../extension/timeline/theme-kind';
import { TimelineSource } from '../../extension/timeline/timeline-source';
import { eventMessages, toWire } from '../../extension/timeline/wire-events';
import type { WireEvent } from '../../webview/src/protocol';
import { packBundle, resignBundle, unpackBundle } from '../support/bundle-forge';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-timeline-1';
const SECRET_BODY = '{"SecretString":"{{airlock:masked:secret-1}}","Name":"db"}';

let dir: string;
let journal: Journal;
const file = (): string => join(dir, 'journal', `${TASK}.jsonl`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-timeline-'));
  journal = await Journal.create(dir);
  await journal.record(TASK, [taskStarted(TASK, 'fix upload lambda')]);
  await journal.record(TASK, callEvents(1));
  await journal.record(TASK, callEvents(2, { decision: 'deny' }));
  await journal.record(
    TASK,
    callEvents(3, { service: 'secretsmanager', operation: 'GetSecretValue', body: SECRET_BODY }),
  );
});

after(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

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
    const whole = await readFile(file());
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

void describe('bundles in the editor and the task list', () => {
  let bundle: Buffer;
  before(async () => {
    const out = join(dir, 'task.airlock');
    await exportBundle({ dataDir: dir, taskId: TASK, out });
    bundle = await readFile(out);
  });

  void test('a verified bundle shows its signer and its events; bodies come on request', async () => {
    const s = await openBundle(bundle);
    assert.equal(s.verification.state, 'verified');
    assert.match(s.verification.state === 'verified' ? s.verification.fingerprint : '', /^SHA256:/);
    assert.equal(s.summary.task.name, 'fix upload lambda');
    assert.equal(s.summary.counts?.calls, 4);
    assert.equal(s.summary.imported?.signer.verified, true);
    assert.ok(s.events.every((e) => !JSON.stringify(e).includes('SecretString')));
    assert.equal(s.detail('call-3').response?.text, SECRET_BODY);
  });

  void test('the banner says whether the signer is known: own key, pinned by name, or unknown (re-signed)', async () => {
    const own = await openBundle(bundle);
    const fp = own.verification.state === 'verified' ? own.verification.fingerprint : '';
    const mine = await openBundle(bundle, undefined, { own: fp, pinned: [] });
    assert.deepEqual(
      mine.verification.state === 'verified' && [mine.verification.known, mine.verification.signer],
      [true, 'this gateway'],
    );
    const { bundle: resigned, fingerprint } = resignBundle(bundle);
    const unknown = await openBundle(resigned, undefined, { own: fp, pinned: [] });
    assert.equal(unknown.verification.state, 'verified');
    assert.equal(unknown.verification.state === 'verified' && unknown.verification.known, false);
    assert.equal(unknown.summary.imported.signer.known, false);
    const pinned = await openBundle(resigned, undefined, { pinned: [{ fingerprint, name: 'alice' }] });
    assert.deepEqual(
      pinned.verification.state === 'verified' && [pinned.verification.known, pinned.verification.signer],
      [true, 'alice'],
    );
  });

  void test("a tampered copy still opens: the verifier's code and exact message, and the events that can be read", async () => {
    const nl = bundle.indexOf(0x0a);
    const text = zlib.gunzipSync(bundle.subarray(nl + 1)).toString();
    const edited = text.replace('"o-2"', '"o-9"');
    assert.notEqual(edited, text);
    const { magic, lines } = unpackBundle(bundle);
    const tampered = packBundle(magic, edited.slice(0, -1).split('\n'));
    assert.equal(lines.length, edited.slice(0, -1).split('\n').length);
    const s = await openBundle(tampered);
    assert.equal(s.verification.state, 'failed');
    if (s.verification.state !== 'failed') return;
    assert.equal(s.verification.code, 'edited-event');
    assert.match(s.verification.message, /^edited event: seq \d+ was changed/);
    assert.equal(s.summary.imported?.signer.verified, false);
    assert.ok(s.events.length > 0, 'what can be read is shown under the banner');
    // The edited event is located, and named by its call for the rows to mark.
    assert.equal(s.verification.changedEvents?.length, 1);
    assert.deepEqual(s.verification.changedCalls, ['call-2']);

    const garbage = await openBundle(Buffer.from('not a bundle at all'));
    assert.equal(garbage.verification.state, 'failed');
    assert.equal(garbage.verification.state === 'failed' && garbage.verification.code, 'not-a-bundle');
    assert.deepEqual(garbage.events, []);
  });

  void test('imported bundles are listed with their signer, and a file changed on disk no longer verifies', async () => {
    const store = await mkdtemp(join(tmpdir(), 'airlock-imported-'));
    try {
      const r = await importBundle(store, join(dir, 'task.airlock'), { allowUnknownSigner: true });
      const imported = new ImportedBundles(store);
      const problems: string[] = [];
      const [one, ...rest] = await imported.list((f, m) => problems.push(m));
      assert.equal(rest.length, 0);
      assert.equal(one?.task.taskId, r.session);
      // Without trust, any signer is unknown; with this data dir's own key as trusted, it is known.
      assert.deepEqual(one?.imported?.signer, {
        fingerprint: r.fingerprint,
        name: undefined,
        verified: true,
        known: false,
      });
      const trusting = new ImportedBundles(store, () => Promise.resolve({ own: r.fingerprint, pinned: [] }));
      const [known] = await trusting.list(() => undefined);
      assert.deepEqual(known?.imported?.signer, {
        fingerprint: r.fingerprint,
        name: 'this gateway',
        verified: true,
        known: true,
      });
      assert.equal(one?.imported?.file, r.file);
      assert.equal(imported.fileOf(r.session), r.file);
      assert.equal(problems.length, 0, problems.join('; '));

      await rm(r.file, { force: true });
      await writeFile(r.file, Buffer.concat([bundle, Buffer.from('x')]));
      const [changed] = await imported.list((f, m) => problems.push(m));
      assert.equal(changed?.imported?.signer.verified, false);
      assert.equal(problems.length, 1);
    } finally {
      await rm(store, { recursive: true, force: true });
    }
  });
});
