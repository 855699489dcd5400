import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openBundle } from '../../extension/timeline/bundle-session';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { REVIEW_VERSION } from '../../gateway/review/review-types';
import { collectCalls } from '../../gateway/review/session-calls';
import { reviewTask } from '../../gateway/review/task-review';
import { packBundle, resignBundle, unpackBundle } from '../support/bundle-forge';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-carried-review';
const SCOPE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
};

let dir: string;
let bundle: Buffer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-bundle-review-'));
  const j = await Journal.create(dir);
  await j.record(TASK, [taskStarted(TASK, 'carry my review', SCOPE)]);
  await j.record(TASK, callEvents(1));
  await j.record(TASK, callEvents(2, { decision: 'deny' }));
  await j.record(TASK, callEvents(3));
  await j.close();
  const out = join(dir, 'task.airlock');
  await exportBundle({ dataDir: dir, taskId: TASK, out });
  bundle = await readFile(out);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Header = { version: number; review?: { totals: { denied: number }; version: number } };

function editHeader(lines: string[], edit: (h: Header) => void): string[] {
  const h = JSON.parse(lines[0] ?? '{}') as Header;
  edit(h);
  return [JSON.stringify(h), ...lines.slice(1)];
}

void test('the bundle carries, signed, the review made where it was recorded; reading it gives that review', async () => {
  const { magic, lines } = unpackBundle(bundle);
  assert.equal(magic, 'AIRLOCK-BUNDLE/2');
  const local = reviewTask(
    collectCalls((await readJournalFile(join(dir, 'journal', `${TASK}.jsonl`))).events),
  );
  const header = JSON.parse(lines[0] ?? '{}') as Header;
  assert.deepEqual(header.review, JSON.parse(JSON.stringify(local)));
  assert.equal(local.totals.denied, 1);
  const v = await verifyBundle(bundle);
  assert.ok(v.ok);
  assert.deepEqual(v.review, header.review);
  assert.equal(v.events, undefined, 'events are checked, not handed back unless asked for');
  const opened = await openBundle(bundle);
  assert.deepEqual(opened.carriedReview, header.review);
});

void test('a carried review edited in place breaks the signature', async () => {
  const { magic, lines } = unpackBundle(bundle);
  const edited = editHeader(lines, (h) => {
    if (h.review) h.review.totals.denied = 0;
  });
  const v = await verifyBundle(packBundle(magic, edited));
  assert.equal(v.ok ? 'ok' : v.fault.kind, 'bad-signature');
});

void test('a carried review edited and re-signed with a fresh key is flagged: the events are the record', async () => {
  const { bundle: forged } = resignBundle(bundle, undefined, (lines) =>
    editHeader(lines, (h) => {
      if (h.review) h.review.totals.denied = 0;
    }),
  );
  const v = await verifyBundle(forged, { keepEvents: true });
  assert.equal(v.ok, false);
  if (v.ok) return;
  assert.equal(v.fault.kind, 'review-mismatch');
  assert.match(v.fault.message, /does not match its events \(differs in: totals\)/);
  const opened = await openBundle(forged);
  assert.equal(opened.verification.state, 'failed');
  assert.equal(opened.carriedReview, undefined);
  // The same forgery with the review left alone verifies (as the forger): only the edit is caught.
  const { bundle: resigned } = resignBundle(bundle);
  assert.ok((await verifyBundle(resigned)).ok);
});

void test('a version 2 bundle without its review is refused; a version 1 bundle (no review) still reads', async () => {
  const { bundle: stripped } = resignBundle(bundle, undefined, (lines) =>
    editHeader(lines, (h) => {
      delete h.review;
    }),
  );
  const v2 = await verifyBundle(stripped);
  assert.equal(v2.ok ? 'ok' : v2.fault.kind, 'bad-header');
  const u = unpackBundle(stripped);
  const { bundle: old } = resignBundle(packBundle('AIRLOCK-BUNDLE/1', u.lines), undefined, (lines) =>
    editHeader(lines, (h) => {
      h.version = 1;
    }),
  );
  const v1 = await verifyBundle(old, { keepEvents: true });
  assert.ok(v1.ok, v1.ok ? '' : v1.fault.message);
  assert.equal(v1.review, undefined);
  assert.equal(reviewTask(collectCalls(v1.events ?? [])).totals.denied, 1);
});

void test('a review made by another review version is not compared, and said so', async () => {
  const { bundle: other } = resignBundle(bundle, undefined, (lines) =>
    editHeader(lines, (h) => {
      if (h.review) h.review.version = REVIEW_VERSION + 1;
    }),
  );
  const v = await verifyBundle(other);
  assert.ok(v.ok);
  assert.equal(v.review, undefined);
  assert.match(v.reviewNote ?? '', /version 2 review; this airlock reviews with version 1/);
});
