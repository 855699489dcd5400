import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ShowOutput } from '../../gateway/cli/show-output';
import { onlyCalls, printMatchingRanges } from '../../gateway/cli/show-ranges';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { chunkFile } from '../../gateway/recording/index-catalog';
import type { CallFilter, CallRow } from '../../gateway/recording/index-query';
import { RecordingIndex } from '../../gateway/recording/recording-index';
import { callEvents, taskStarted } from './recording-support';

const parts = (
  n: number,
  o: Parameters<typeof callEvents>[1] = {},
): Record<'req' | 'dec' | 'res', EventBody> => {
  const [req, dec, res] = callEvents(n, o);
  if (!req || !dec || !res) throw new Error('callEvents changed');
  return { req, dec, res };
};

/** A held call's approval request and its later approval. */
function held(n: number): EventBody {
  return {
    type: 'approval.requested',
    data: {
      approvalId: `ap-${n}`,
      callId: `call-${n}`,
      identity: 'dev',
      service: 'dynamodb',
      action: 'dynamodb:GetItem',
      resources: ['*'],
      summary: 'held',
      params: {},
      rule: { id: 'r', reason: 'ask' },
      expiresAt: '2030-01-01T00:00:00.000Z',
      timeoutSeconds: 60,
    },
  };
}

function decided(n: number): EventBody {
  return {
    type: 'approval.decided',
    data: { approvalId: `ap-${n}`, decision: 'approve-once', decidedBy: 'dev', waitedMs: 1, attempts: 1 },
  };
}

/** Opens the index with small chunks, syncs, and records which chunk files a query loads. */
async function indexed(dir: string, chunkCalls: number): Promise<{ index: RecordingIndex; loads: string[] }> {
  const loads: string[] = [];
  const index = await RecordingIndex.open(dir, {
    chunkCalls,
    onChunkLoad: (s, n) => loads.push(`${s}#${n}`),
  });
  await index.sync();
  await index.save();
  return { index, loads };
}

const brief = (rows: readonly CallRow[]): string[] =>
  rows.map((r) => `${r.session}/${r.callId}/${r.decision ?? '-'}/${r.status ?? '-'}`);

void describe('the call index in chunks', () => {
  void test('calls answered across chunk boundaries and across syncs are each indexed once, complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-chunks-'));
    try {
      const j = await Journal.create(dir);
      await j.record('t-c', [taskStarted('t-c')]);
      // Six calls in flight at once, answered in reverse order: chunks of 4 split them.
      const wave = (from: number): EventBody[] => {
        const calls = [0, 1, 2, 3, 4, 5].map((i) => parts(from + i, { status: 200 + i }));
        return [...calls.map((c) => c.req), ...calls.reverse().flatMap((c) => [c.dec, c.res])];
      };
      await j.record('t-c', wave(1));
      // Requests now; their decisions and answers only after the index has read them.
      const late = [13, 14, 15, 16, 17].map((n) => parts(n, { decision: n % 2 ? 'deny' : 'allow' }));
      await j.record('t-c', [...wave(7), ...late.map((c) => c.req)]);
      const { index: first } = await indexed(dir, 4);
      assert.equal((await first.findCalls({})).length, 17);
      await j.record(
        't-c',
        late.flatMap((c) => [c.dec, c.res]),
      );
      await j.record('t-c', [
        ...callEvents(18),
        { type: 'call.error', data: { code: 'SignatureDoesNotMatch', message: 'x' } },
      ]);
      await j.close();

      const { index } = await indexed(dir, 4);
      const rows = await index.findCalls({});
      const ids = rows.map((r) => r.callId);
      assert.equal(new Set(ids).size, ids.length, 'no call twice');
      assert.equal(ids.length, 19, 'no call lost');
      for (const r of rows.filter((x) => x.callId.startsWith('call-')))
        assert.ok(r.status !== undefined && r.decision !== undefined, `${r.callId} has its answer`);
      assert.equal(rows.filter((x) => x.errorCode === 'SignatureDoesNotMatch').length, 1);
      assert.deepEqual(
        rows.filter((r) => r.decision === 'deny').map((r) => [r.callId, r.status]),
        [
          ['call-13', 403],
          ['call-15', 403],
          ['call-17', 403],
        ],
      );
      // The same store in one chunk gives the same answer.
      const whole = await mkdtemp(join(tmpdir(), 'airlock-chunks-one-'));
      try {
        await copyFile(join(dir, 'journal', 't-c.jsonl'), join(await ensureJournalDir(whole), 't-c.jsonl'));
        const { index: one } = await indexed(whole, 1000);
        assert.deepEqual(brief(await one.findCalls({})), brief(rows));
        for (const f of [{ status: '4xx' }, { decision: 'allow' as const }, { text: 'o-14' }, { limit: 3 }])
          assert.deepEqual(brief(await index.findCalls(f)), brief(await one.findCalls(f)), JSON.stringify(f));
      } finally {
        await rm(whole, { recursive: true, force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a query loads only the chunks that can match: facets, term filters, and the limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-chunks-loads-'));
    try {
      const j = await Journal.create(dir);
      await j.record('t-l', [taskStarted('t-l')]);
      for (let n = 1; n <= 40; n++)
        await j.record(
          't-l',
          callEvents(
            n,
            n === 25
              ? { service: 'kms', operation: 'Decrypt', action: 'kms:Decrypt' }
              : n === 37
                ? { body: '{"note":"quarterly zebra"}' }
                : {},
          ),
        );
      await j.close();
      const { index, loads } = await indexed(dir, 10);
      const run = async (f: CallFilter): Promise<{ ids: string[]; loaded: string[] }> => {
        loads.length = 0;
        const ids = (await index.findCalls(f)).map((r) => r.callId);
        return { ids, loaded: [...loads] };
      };
      assert.deepEqual(await run({ service: 'kms' }), { ids: ['call-25'], loaded: ['t-l#2'] });
      assert.deepEqual(await run({ action: 'KMS:*' }), { ids: ['call-25'], loaded: ['t-l#2'] });
      assert.deepEqual(await run({ text: 'zebra' }), { ids: ['call-37'], loaded: ['t-l#3'] });
      assert.deepEqual(await run({ text: 'no-such-word' }), { ids: [], loaded: [] });
      assert.deepEqual(await run({ limit: 5 }), {
        ids: ['call-1', 'call-2', 'call-3', 'call-4', 'call-5'],
        loaded: ['t-l#0'],
      });
      assert.deepEqual(await run({ decision: 'deny' }), { ids: [], loaded: [] });
      assert.equal((await run({})).loaded.length, 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a lost or stale chunk file is rebuilt from its journal bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-chunks-lost-'));
    try {
      const j = await Journal.create(dir);
      await j.record('t-x', [taskStarted('t-x')]);
      for (let n = 1; n <= 30; n++) await j.record('t-x', callEvents(n, { status: n % 3 ? 200 : 500 }));
      await j.close();
      const { index } = await indexed(dir, 10);
      const before = brief(await index.findCalls({}));
      await rm(chunkFile(dir, 't-x', 1));
      const { index: afterLoss } = await indexed(dir, 10);
      assert.deepEqual(brief(await afterLoss.findCalls({})), before);
      await afterLoss.save();
      assert.ok(await stat(chunkFile(dir, 't-x', 1)), 'written again');
      // Another chunk's file in its place: its build id differs, so it is not trusted.
      await copyFile(chunkFile(dir, 't-x', 0), chunkFile(dir, 't-x', 1));
      const { index: afterSwap } = await indexed(dir, 10);
      assert.deepEqual(
        brief(await afterSwap.findCalls({ status: '5xx' })),
        before.filter((b) => b.endsWith('/500')),
      );
      // The open (last) chunk lost: read again from where it began.
      await rm(chunkFile(dir, 't-x', 2));
      const { index: afterOpen } = await indexed(dir, 10);
      assert.deepEqual(brief(await afterOpen.findCalls({})), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('a filtered show reads only the stretches where the matching calls are, and prints what a full read would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-show-ranges-'));
    try {
      const j = await Journal.create(dir);
      await j.record('t-r', [taskStarted('t-r')]);
      const kms = (n: number): Parameters<typeof callEvents>[1] =>
        n % 7 === 0 ? { service: 'kms', operation: 'Decrypt', action: 'kms:Decrypt' } : {};
      // Calls 41..56 at once: all requests, then all answers (chunks of 8 split them).
      const wave = Array.from({ length: 16 }, (_, i) => parts(41 + i, kms(41 + i)));
      for (let n = 1; n <= 60; n++) {
        if (n === 41) {
          await j.record(
            't-r',
            wave.map((c) => c.req),
          );
          await j.record(
            't-r',
            wave.flatMap((c) => [c.dec, c.res]),
          );
        }
        if (n >= 41 && n <= 56) continue;
        const c = parts(n, kms(n));
        // Every tenth call is held: its approval is decided after later calls were recorded.
        if (n % 10 === 0) {
          await j.record('t-r', [c.req, held(n)]);
          await j.record('t-r', callEvents(1000 + n));
          await j.record('t-r', [decided(n), c.dec, c.res]);
        } else if (n % 10 === 5) {
          // Held, and the client went away: denied and answered; a human approves later still.
          await j.record('t-r', [
            c.req,
            held(n),
            {
              type: 'call.decision',
              data: { callId: `call-${n}`, decision: 'deny', reason: 'gone', approvalId: `ap-${n}` },
            },
            {
              type: 'call.response',
              data: { callId: `call-${n}`, status: 403, responseBytes: 0, gatewayMs: 1, local: true },
            },
          ]);
          await j.record('t-r', [...callEvents(1000 + n), ...callEvents(2000 + n), ...callEvents(3000 + n)]);
          await j.record('t-r', [decided(n)]);
        } else await j.record('t-r', [c.req, c.dec, c.res]);
      }
      await j.close();
      const file = join(dir, 'journal', 't-r.jsonl');
      const all = (await readJournalFile(file)).events;
      const { index } = await indexed(dir, 8);
      for (const f of [
        { service: 'kms' },
        { text: 'o-30' },
        { text: 'o-44' },
        { text: 'o-1030' },
        { status: '2xx' },
        { decision: 'deny' as const },
        { since: all[100]?.ts },
      ]) {
        const found = await index.findCallsByChunk({ ...f, session: 't-r' });
        if ('service' in f)
          assert.ok((found.hits[0]?.chunk.from ?? 0) > 0, 'starts where the first match is');
        const ids = new Set(found.rows.map((r) => r.callId));
        const expected = all.filter(onlyCalls(ids)).map((e) => e.seq);
        const printed: number[] = [];
        const fault = await printMatchingRanges(
          file,
          found.hits,
          onlyCalls(ids),
          (e) => printed.push(e.seq),
          () => Promise.resolve(),
          // Small blocks, so reading stops as soon as the matching calls are complete.
          256,
        );
        assert.equal(fault, undefined);
        assert.deepEqual(printed, expected, JSON.stringify(f));
        assert.ok(printed.length > 0, JSON.stringify(f));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void test('show --json prints what JSON.stringify({ session, events }) did, one event at a time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-show-'));
    try {
      const j = await Journal.create(dir);
      await j.record('t-s', [taskStarted('t-s')]);
      await j.record('t-s', callEvents(1));
      await j.close();
      const events = (await readJournalFile(join(dir, 'journal', 't-s.jsonl'))).events;
      const { index } = await indexed(dir, 10);
      const session = index.sessions()[0];
      assert.ok(session);
      for (const shown of [events, []]) {
        const sink = new PassThrough();
        let text = '';
        sink.on('data', (d: Buffer) => (text += d.toString()));
        const out = new ShowOutput(sink, true, session);
        for (const e of shown) out.event(e);
        await out.end();
        assert.equal(text, JSON.stringify({ session, events: shown }, null, 2) + '\n');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function ensureJournalDir(dataDir: string): Promise<string> {
  const d = join(dataDir, 'journal');
  await mkdir(d, { recursive: true });
  return d;
}
