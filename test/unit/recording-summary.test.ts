import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AirlockClient } from '../../extension/control/airlock-client';
import { TaskCounter } from '../../extension/timeline/task-counter';
import { TimelineSource } from '../../extension/timeline/timeline-source';
import type { EventBody, JournalEvent } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import type { TaskInfo } from '../../gateway/protocol';
import { RecordingIndex, type SyncReport } from '../../gateway/recording/recording-index';
import { readSummaryFile, summaryFile, topUp } from '../../gateway/recording/summary-checkpoint';
import { SummaryFold } from '../../gateway/recording/summary-fold';
import { SummaryKeeper } from '../../gateway/recording/summary-keeper';
import { summarizeTask } from '../../webview/src/model/task-summary';
import { callEvents, taskStarted } from './recording-support';

/** As stored: JSON drops the keys of absent fields. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));

const masked = (where: 'request' | 'response') => [
  { where, field: 'SecretString', source: 'catalogue', count: 1 },
];

/** Every kind of call the task list counts, some of them interleaved as concurrent calls are. */
function mixedEvents(taskId: string, name = 'mixed'): EventBody[][] {
  const a = callEvents(101);
  const b = callEvents(102, { status: 500 });
  const held = (n: number, approvalId: string) => ({
    type: 'approval.requested' as const,
    data: {
      approvalId,
      callId: `call-${n}`,
      identity: 'dev',
      service: 'iam',
      action: 'iam:CreateRole',
      resources: ['*'],
      summary: 'Create a role',
      params: {},
      rule: { id: 'iam', reason: 'IAM needs a human' },
      expiresAt: '2030-01-01T00:00:00.000Z',
      timeoutSeconds: 60,
    },
  });
  const decision = (n: number, d: 'allow' | 'deny', approvalId?: string): EventBody => ({
    type: 'call.decision',
    data: { callId: `call-${n}`, decision: d, reason: 'r', approvalId },
  });
  const response = (n: number, status: number, extra: Record<string, unknown> = {}): EventBody => ({
    type: 'call.response',
    data: { callId: `call-${n}`, status, responseBytes: 0, gatewayMs: 1, local: false, ...extra },
  });
  const request = (n: number): EventBody => callEvents(n)[0] ?? taskStarted(taskId);
  return [
    [taskStarted(taskId, name)],
    // Concurrent: both requests, then both decisions, then the answers.
    [a[0], b[0]].filter((e): e is EventBody => e !== undefined),
    [a[1], b[1], b[2], a[2]].filter((e): e is EventBody => e !== undefined),
    callEvents(103, { decision: 'deny' }),
    // Masked on both sides; an aborted allowed call (failed).
    [
      {
        type: 'call.request',
        data: { ...(request(104).data as object), masked: masked('request') },
      } as unknown as EventBody,
      decision(104, 'allow'),
      response(104, 200, { masked: masked('response') }),
    ],
    [request(105), decision(105, 'allow'), response(105, 200, { aborted: true })],
    // Held and approved; held and expired; held and still pending.
    [request(106), held(106, 'ap-1')],
    [
      {
        type: 'approval.decided',
        data: { approvalId: 'ap-1', decision: 'approve-once', decidedBy: 'dev', waitedMs: 5, attempts: 1 },
      },
      decision(106, 'allow', 'ap-1'),
      response(106, 200),
    ],
    [
      request(107),
      held(107, 'ap-2'),
      {
        type: 'approval.expired',
        data: { approvalId: 'ap-2', timeoutSeconds: 60, waitedMs: 60000, attempts: 1 },
      },
    ],
    [decision(107, 'deny', 'ap-2'), response(107, 403, { local: true, errorCode: 'AccessDenied' })],
    [request(108), held(108, 'ap-3')],
    // The client gave up while held (denied, answered); a human approves afterwards.
    [request(109), held(109, 'ap-4'), decision(109, 'deny', 'ap-4'), response(109, 403, { local: true })],
    [
      {
        type: 'approval.decided',
        data: { approvalId: 'ap-4', decision: 'approve-once', decidedBy: 'dev', waitedMs: 9, attempts: 1 },
      },
    ],
    // Refused before deciding, with and without a call id.
    [{ type: 'call.error', data: { callId: 'call-110', code: 'SignatureDoesNotMatch', message: 'no' } }],
    [{ type: 'call.error', data: { code: 'InvalidClientTokenId', message: 'unknown key' } }],
    // Answered, then a local error answer after a failed delivery (a second response).
    [request(111), decision(111, 'allow'), response(111, 200), response(111, 502, { local: true })],
    [{ type: 'task.ended', data: { taskId, reason: 'ended' } }],
  ];
}

async function writeMixed(
  dir: string,
  taskId: string,
  keeper?: SummaryKeeper,
  name?: string,
): Promise<JournalEvent[]> {
  const j = await Journal.create(dir, undefined, undefined, undefined, keeper?.observe);
  for (const batch of mixedEvents(taskId, name)) await j.record(taskId, batch);
  await j.close();
  await keeper?.close();
  return (await readJournalFile(join(dir, 'journal', `${taskId}.jsonl`))).events;
}

void describe('task summaries', () => {
  void test('the fold counts as the webview does, and resumes from its stored state at any point', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-fold-'));
    try {
      const events = await writeMixed(dir, 't-mixed');
      const whole = new SummaryFold();
      for (const e of events) whole.apply(e);
      const expected = summarizeTask(events).counts;
      assert.deepEqual(whole.timeline, expected);
      assert.ok(
        expected.approved === 1 && expected.pending === 1 && expected.refused === 2 && expected.failed === 3,
      );
      assert.deepEqual(
        [
          whole.facts.calls,
          whole.facts.allowed,
          whole.facts.denied,
          whole.facts.approvals,
          whole.facts.masked,
        ],
        [10, 6, 3, 4, 2],
      );
      for (let k = 0; k <= events.length; k++) {
        const first = new SummaryFold();
        for (const e of events.slice(0, k)) first.apply(e);
        assert.deepEqual(first.timeline, summarizeTask(events.slice(0, k)).counts, `after ${k} events`);
        const resumed = new SummaryFold(JSON.parse(JSON.stringify(first.state())));
        for (const e of events.slice(k)) resumed.apply(e);
        assert.deepEqual(plain(resumed.state()), plain(whole.state()), `resumed after ${k} events`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('the gateway writes each summary with the position it reflects; a reader after a crash tops up only the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-summary-'));
    try {
      await writeMixed(dir, 't-s', new SummaryKeeper(dir));
      const file = join(dir, 'journal', 't-s.jsonl');
      const cp = await readSummaryFile(dir, 't-s');
      assert.equal(cp?.offset, (await stat(file)).size, 'written at shutdown, up to the end');
      // A crash: calls journaled after the last summary was written.
      const j = await Journal.create(dir);
      for (let n = 1; n <= 5; n++) await j.record('t-s', callEvents(200 + n));
      await j.close();
      const all = (await readJournalFile(file)).events;
      const full = new SummaryFold();
      for (const e of all) full.apply(e);
      const r = await topUp(file, [await readSummaryFile(dir, 't-s')]);
      assert.equal(r.base, 0, 'started from the summary');
      assert.deepEqual(plain(r.checkpoint.fold), plain(full.state()));
      const index = await RecordingIndex.open(dir);
      const report = await index.syncSummaries();
      assert.equal(report.indexedEvents, 15, 'only the five calls after the summary were read');
      assert.equal(index.sessions()[0]?.calls, full.facts.calls);
      const counter = new TaskCounter(dir, 't-s');
      await counter.read();
      assert.deepEqual(counter.counts, full.timeline);
      // The task list, as the extension builds it (GET /tasks, then each task's summary).
      const task: TaskInfo = {
        taskId: 't-s',
        name: 'mixed',
        accessKeyId: 'AKAL',
        startedBy: 'dev',
        startedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2030-01-01T00:00:00.000Z',
        state: 'active',
      };
      const client = { listTasks: () => Promise.resolve([task]) } as unknown as AirlockClient;
      const source = new TimelineSource({ dataDir: dir, client: () => client, log: () => undefined });
      await source.refresh();
      assert.deepEqual(source.summaries[0]?.counts, full.timeline);
      assert.equal(source.summaries[0]?.lastEventAt, all.at(-1)?.ts);
      source.dispose();
      // Only what follows the summary is read: an edit before it goes unseen here (the call
      // index and `show` read, and verify, everything).
      await writeFile(file, (await readFile(file, 'utf8')).replace('"o-101"', '"o-199"'));
      const after = new TaskCounter(dir, 't-s');
      await after.read();
      assert.equal(after.fault, undefined);
      assert.deepEqual(after.counts, full.timeline);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a gateway that starts on an existing journal carries its summary on (or rebuilds it when lost)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-summary-restart-'));
    try {
      const first = new SummaryKeeper(dir);
      let j = await Journal.create(dir, undefined, undefined, undefined, first.observe);
      await j.record('t-r', [taskStarted('t-r')]);
      await j.record('t-r', callEvents(1));
      await j.close();
      await first.close();
      for (const lose of [false, true]) {
        if (lose) await rm(summaryFile(dir, 't-r'));
        const keeper = new SummaryKeeper(dir);
        j = await Journal.create(dir, undefined, undefined, undefined, keeper.observe);
        await j.record('t-r', callEvents(lose ? 3 : 2, { decision: 'deny' }));
        await j.close();
        await keeper.close();
        const cp = await readSummaryFile(dir, 't-r');
        const all = (await readJournalFile(join(dir, 'journal', 't-r.jsonl'))).events;
        const full = new SummaryFold();
        for (const e of all) full.apply(e);
        assert.deepEqual(
          plain(cp?.fold),
          plain(full.state()),
          lose ? 'rebuilt from the journal' : 'carried on',
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('tampering after the summary is flagged by sessions; before it, by the call index, and counts stop at the fault', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-summary-tamper-'));
    try {
      await writeMixed(dir, 't-t', new SummaryKeeper(dir));
      const j = await Journal.create(dir);
      await j.record('t-t', callEvents(300));
      await j.close();
      const file = join(dir, 'journal', 't-t.jsonl');
      const text = await readFile(file, 'utf8');
      // After the checkpoint: the top-up verifies those bytes.
      await writeFile(file, text.replace('"o-300"', '"o-399"'));
      let index = await RecordingIndex.open(dir);
      let r: SyncReport = await index.syncSummaries();
      assert.match(r.faults[0]?.fault ?? '', /^bad-hash at line \d+$/);
      assert.match(index.sessions()[0]?.fault ?? '', /bad-hash/);
      await index.save();
      // The journal as it was, fully indexed; then rewritten in place, before the checkpoint:
      // `sessions` trusts the anchored summary, the call index reads (and verifies) it all again.
      await writeFile(file, text);
      index = await RecordingIndex.open(dir);
      assert.deepEqual((await index.sync()).faults, []);
      await index.save();
      await writeFile(file, text.replace('"o-101"', '"o-199"'));
      index = await RecordingIndex.open(dir);
      r = await index.syncSummaries();
      assert.equal(r.faults.length, 0);
      r = await index.sync();
      assert.match(r.faults[0]?.fault ?? '', /^bad-hash at line 2$/);
      const s = index.sessions()[0];
      assert.match(s?.fault ?? '', /bad-hash at line 2/);
      assert.equal(s?.events, 1, 'counted only up to the fault');
      await index.save();
      const again = await RecordingIndex.open(dir);
      await again.syncSummaries();
      assert.match(
        again.sessions()[0]?.fault ?? '',
        /bad-hash at line 2/,
        'remembered while the file is unchanged',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a journal replaced by another history no longer matches its summary: it is counted afresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-summary-replaced-'));
    const other = await mkdtemp(join(tmpdir(), 'airlock-summary-other-'));
    try {
      await writeMixed(dir, 't-x', new SummaryKeeper(dir), 'first history');
      const index = await RecordingIndex.open(dir);
      await index.syncSummaries();
      await index.save();
      // Another history of the same length, line for line: every offset still falls on a line end.
      await writeMixed(other, 't-x', undefined, 'other history');
      const file = join(dir, 'journal', 't-x.jsonl');
      await copyFile(join(other, 'journal', 't-x.jsonl'), file);
      assert.equal((await readSummaryFile(dir, 't-x'))?.offset, (await stat(file)).size);
      const again = await RecordingIndex.open(dir);
      const r = await again.syncSummaries();
      assert.deepEqual(r.rebuilt, ['t-x']);
      const s = again.sessions()[0];
      assert.equal(s?.name, 'other history');
      assert.equal(s?.fault, undefined);
      const counter = new TaskCounter(dir, 't-x');
      await counter.read();
      assert.equal(counter.lastEventAt, s?.lastEventAt);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });
});
