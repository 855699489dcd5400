import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { neededEvents } from '../../gateway/review/needed-events';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-select';
let dir: string;
let file: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-journal-select-'));
  const j = await Journal.create(dir);
  await j.record(TASK, [taskStarted(TASK, 'select "me" \\ ,"prev":"x"')]);
  await j.record(TASK, callEvents(1));
  // Data that looks like an envelope, and a masked response (which a review needs).
  await j.record(TASK, callEvents(2, { body: ',"prev":"' + 'a'.repeat(64) + '","seq":1' }));
  await j.record(TASK, [
    {
      type: 'call.response',
      data: {
        callId: 'call-2',
        status: 200,
        responseBytes: 10,
        gatewayMs: 1,
        local: false,
        masked: [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }],
      },
    },
  ]);
  await j.close();
  file = join(dir, 'journal', `${TASK}.jsonl`);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void test('events read from a journal are exactly its lines parsed (only data is parsed on the fast path)', async () => {
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const r = await readJournalFile(file);
  assert.equal(r.fault, undefined);
  assert.deepEqual(
    r.events,
    lines.map((l) => JSON.parse(l) as unknown),
  );
  // Same key order as JSON.parse: a re-serialised event is byte-identical to its line.
  assert.deepEqual(
    r.events.map((e) => JSON.stringify(e)),
    lines,
  );
});

void test('select: only the events a reader needs are materialised, every line is still verified', async () => {
  const all = (await readJournalFile(file)).events;
  const decisions = await readJournalFile(file, { select: neededEvents('decisions') });
  assert.deepEqual(
    decisions.events,
    all.filter((e) => e.type !== 'call.response'),
  );
  const review = await readJournalFile(file, { select: neededEvents('review') });
  assert.deepEqual(
    review.events.filter((e) => e.type === 'call.response').map((e) => e.seq),
    all.filter((e) => e.type === 'call.response' && 'masked' in e.data && e.data.masked).map((e) => e.seq),
  );
  assert.equal(review.events.filter((e) => e.type === 'call.response').length, 1);
  // A skipped (response) line edited: the read still names the fault.
  const lines = (await readFile(file, 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.includes('"type":"call.response"'));
  lines[at] = (lines[at] ?? '').replace('"status":200', '"status":500');
  const edited = join(dir, 'edited.jsonl');
  await writeFile(edited, lines.join('\n'));
  const r = await readJournalFile(edited, { select: neededEvents('decisions') });
  assert.equal(r.fault?.line, at + 1);
});
