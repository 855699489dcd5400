import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle } from '../../gateway/bundle/import-bundle';
import { Journal } from '../../gateway/journal/journal';
import { openBundle } from '../../extension/timeline/bundle-session';
import { answerReview } from '../../extension/timeline/review-answer';
import { TimelineSource } from '../../extension/timeline/timeline-source';
import { packBundle, unpackBundle } from '../support/bundle-forge';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-review-1';
const SCOPE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: ['s3:GetObject', 'sqs:*'], Resource: '*' }],
};

let dir: string;
let source: TimelineSource;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-timeline-review-'));
  const journal = await Journal.create(dir);
  await journal.record(TASK, [taskStarted(TASK, 'review me', SCOPE)]);
  await journal.record(TASK, callEvents(1));
  await journal.record(TASK, callEvents(2, { decision: 'deny' }));
  await journal.close();
  source = new TimelineSource({ dataDir: dir, client: () => undefined, log: () => undefined });
});

after(async () => {
  source?.dispose();
  await rm(dir, { recursive: true, force: true });
});

void test('the Review tab gets the same review from the journal, the imported bundle and the opened file', async () => {
  const local = await answerReview((t) => source.recordedEvents(t), TASK);
  assert.ok(local.review, local.error);
  assert.equal(local.review.task.name, 'review me');
  assert.equal(local.review.totals.calls, 2);
  assert.equal(local.review.judged.length, 1);

  const out = join(dir, 'review.airlock');
  await exportBundle({ dataDir: dir, taskId: TASK, out });
  const opened = await openBundle(await readFile(out));
  const fromFile = await answerReview(
    () => Promise.resolve({ events: opened.verifiedEvents ?? [], warnings: [] }),
    opened.sessionId,
  );
  assert.deepEqual(fromFile.review, local.review);

  const imported = await importBundle(dir, out, { allowUnknownSigner: true });
  const fromImport = await answerReview((t) => source.recordedEvents(t), imported.session);
  // The imported bundle's review is the one it carries (JSON: no members set to undefined).
  const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
  assert.deepEqual(asJson(fromImport.review), asJson(local.review));
});

void test('no review from a bundle that fails verification, nor for a task with no recording', async () => {
  const out = join(dir, 'tampered.airlock');
  await exportBundle({ dataDir: dir, taskId: TASK, out });
  const u = unpackBundle(await readFile(out));
  // An allowed call's decision edited to a denial: the chain no longer holds.
  const lines = u.lines.map((l) =>
    l.includes('"type":"call.decision"') ? l.replace('"allow"', '"deny"') : l,
  );
  assert.notDeepEqual(lines, u.lines);
  const opened = await openBundle(packBundle(u.magic, lines));
  assert.equal(opened.verification.state, 'failed');
  assert.equal(opened.verifiedEvents, undefined);
  const missing = await answerReview((t) => source.recordedEvents(t), 't-nope');
  assert.equal(missing.review, undefined);
  assert.match(missing.error ?? '', /No recorded session t-nope/);
  assert.match((await answerReview(undefined, TASK)).error ?? '', /no recording to review/);
});

void test('a journal that fails verification is reviewed as far as it verifies, and the review says so', async () => {
  const id = 't-review-2';
  const journal = await Journal.create(dir);
  await journal.record(id, [taskStarted(id, 'edited later', SCOPE)]);
  await journal.record(id, callEvents(1));
  await journal.record(id, callEvents(2));
  await journal.close();
  const file = join(dir, 'journal', `${id}.jsonl`);
  const lines = (await readFile(file, 'utf8')).split('\n');
  // The second call's decision turned into a denial after the fact.
  const at = lines.findIndex((l, i) => i > 3 && l.includes('"type":"call.decision"'));
  lines[at] = (lines[at] ?? '').replace('"allow"', '"deny"');
  await writeFile(file, lines.join('\n'));
  const r = await answerReview((t) => source.recordedEvents(t), id);
  assert.ok(r.review, r.error);
  assert.equal(r.review.totals.calls, 2);
  assert.equal(r.review.totals.denied, 0, 'nothing after the break is believed');
  assert.match(r.review.warnings?.[0] ?? '', /fails verification at line \d+/);
});
