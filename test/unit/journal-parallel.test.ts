import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { markHashedLines, readShared } from '../../gateway/journal/line-hashes';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { sha256Hex } from '../../gateway/crypto/sha256-hex';
import { neededEvents } from '../../gateway/review/needed-events';
import { callEvents, taskStarted } from './recording-support';

// Large journals are hashed on a worker thread while the reader parses (line-hashes.ts): the
// read must verify exactly what a read hashing in line verifies, and name faults the same way.
const TASK = 't-parallel';
let dir: string;
let file: string;
let lines: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-journal-parallel-'));
  const j = await Journal.create(dir);
  await j.record(TASK, [taskStarted(TASK)]);
  for (let n = 0; n < 3333;) {
    const batch: EventBody[] = [];
    for (; batch.length < 600 && n < 3333; n++) batch.push(...callEvents(n));
    await j.record(TASK, batch);
  }
  await j.close();
  file = join(dir, 'journal', `${TASK}.jsonl`);
  lines = (await readFile(file, 'utf8')).split('\n');
  assert.equal(lines.length, 10_001); // 10,000 lines and the empty string after the last newline
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The journal with one byte of line `lineNo` (1-based) changed, JSON and layout kept. */
async function edited(name: string, lineNo: number, from: string, to: string): Promise<string> {
  const copy = [...lines];
  const line = copy[lineNo - 1] ?? '';
  assert.ok(line.includes(from), `line ${lineNo} has ${from}`);
  copy[lineNo - 1] = line.replace(from, to);
  assert.equal(Buffer.byteLength(copy[lineNo - 1] ?? ''), Buffer.byteLength(line));
  const path = join(dir, name);
  await writeFile(path, copy.join('\n'));
  return path;
}

void test('a journal read with a worker hashing its lines is the journal read hashing in line', async () => {
  const inLine = await readJournalFile(file, { parallel: false });
  const parallel = await readJournalFile(file, { parallel: true });
  assert.equal(parallel.fault, undefined);
  assert.equal(parallel.events.length, 10_000);
  assert.deepEqual(parallel, inLine);
  assert.deepEqual(
    parallel.events.map((e) => JSON.stringify(e)),
    lines.slice(0, -1),
  );
  const select = neededEvents('decisions');
  assert.deepEqual(
    await readJournalFile(file, { parallel: true, select }),
    await readJournalFile(file, { parallel: false, select }),
  );
});

void test('resumed from a position, the parallel read is the in-line read (offsets stay absolute)', async () => {
  const half = join(dir, 'half.jsonl');
  await writeFile(half, lines.slice(0, 6000).join('\n') + '\n');
  const first = await readJournalFile(half, { parse: false });
  assert.ok(first.head);
  const from = { offset: first.validBytes, head: first.head };
  const edited6501 = await edited('resume.jsonl', 6501, '"decision":"allow"', '"decision":"allOw"');
  for (const path of [file, edited6501]) {
    const parallel = await readJournalFile(path, { from, parallel: true });
    assert.deepEqual(parallel, await readJournalFile(path, { from, parallel: false }));
    assert.equal(parallel.events[0]?.seq, 6001);
    assert.equal(parallel.fault?.line, path === file ? undefined : 6501);
  }
});

void test('a one-byte edit in the middle of a 10,000-line journal fails the parallel read at its line', async () => {
  // Line 5,002 is a response (a line a policy suggestion does not parse): only its hash betrays it.
  assert.match(lines[5001] ?? '', /"type":"call\.response"/);
  const path = await edited('edited.jsonl', 5002, '"status":200', '"status":500');
  for (const select of [undefined, neededEvents('decisions')]) {
    const r = await readJournalFile(path, { parallel: true, select });
    assert.deepEqual(r.fault, { kind: 'bad-hash', line: 5002, seq: 5002 });
    assert.equal(r.head?.seq, 5001);
    assert.equal(r.validBytes, Buffer.byteLength(lines.slice(0, 5001).join('\n')) + 1);
    assert.equal(r.events.length, select ? 3335 : 5001);
    assert.equal(r.events.at(-1)?.seq, 5001);
    assert.deepEqual(r, await readJournalFile(path, { parallel: false, select }));
  }
});

void test('an edit to the last line and to the first are found the same way', async () => {
  const last = await edited('last.jsonl', 10_000, '"status":200', '"status":201');
  const r = await readJournalFile(last, { parallel: true });
  assert.deepEqual(r.fault, { kind: 'bad-hash', line: 10_000, seq: 10_000 });
  assert.equal(r.events.length, 9_999);
  const first = await edited('first.jsonl', 1, '"name":"test task"', '"name":"test tasK"');
  const f = await readJournalFile(first, { parallel: true });
  assert.deepEqual(f.fault, { kind: 'bad-hash', line: 1, seq: 1 });
  assert.equal(f.events.length, 0);
  assert.equal(f.head, undefined);
});

void test("a line whose hash suffix is not the journal's fails the parallel read at its line", async () => {
  // The reader leaves the suffix to the worker: this line must come back unmarked and be named.
  const path = await edited('suffix.jsonl', 4000, '"hash":"', '"hasH":"');
  const r = await readJournalFile(path, { parallel: true });
  assert.equal(r.fault?.line, 4000);
  assert.equal(r.events.length, 3999);
  assert.deepEqual(r, await readJournalFile(path, { parallel: false }));
});

void test('the worker answers for every line, and marks the edited one unhashed', async () => {
  const path = await edited('marks.jsonl', 6999, '"decision":"allow"', '"decision":"allOw"');
  const shared = await readShared(path, 0);
  await shared.exited;
  const { marks, byWorker } = shared.finish(10_000);
  assert.equal(byWorker, 10_000);
  assert.deepEqual(
    [...marks.keys()].filter((i) => marks[i] !== 1),
    [6998],
  );
  const here = new Uint8Array(10_000);
  assert.deepEqual(markHashedLines(shared.bytes, sha256Hex, here), {
    lines: 10_000,
    bytes: shared.bytes.length,
  });
  assert.deepEqual(here, marks);
});

void test('the lines the worker has not reached when it is stopped are hashed by the reader', async () => {
  // The worker hashes the first 5,000 lines; the reader the rest. An edit on either side is found.
  for (const lineNo of [2001, 9000]) {
    const path = await edited(`split-${lineNo}.jsonl`, lineNo, '"decision":"allow"', '"decision":"allOw"');
    const shared = await readShared(path, 0, { workerLines: 5000 });
    await shared.exited;
    const { marks, byWorker } = shared.finish(10_000);
    assert.equal(byWorker, 5000);
    assert.deepEqual(
      [...marks.keys()].filter((i) => marks[i] !== 1),
      [lineNo - 1],
    );
  }
  // Stopped at once: the worker has hashed anything from none to all of the lines.
  const path = join(dir, 'split-2001.jsonl');
  const early = (await readShared(path, 0)).finish(10_000);
  assert.deepEqual(
    [...early.marks.keys()].filter((i) => early.marks[i] !== 1),
    [2000],
  );
  // Asked for fewer lines than there are (a read that stopped at a fault): only those.
  const again = await readShared(path, 0);
  assert.equal(again.finish(1000).marks.length, 1000);
  await again.exited;
});

void test('lines not in the journal layout are never marked hashed', () => {
  const body = '{"data":1,"v":2}';
  const hash = sha256Hex(body);
  const good = `${body.slice(0, -1)},"hash":"${hash}"}`;
  const buf = Buffer.from(
    [good, good.replace('"hash"', '"hasH"'), `${good} `, good.toUpperCase(), good, 'x', ''].join('\n') + good, // unterminated: not a line yet
  );
  const marks = new Uint8Array(10);
  assert.equal(markHashedLines(buf, sha256Hex, marks).lines, 6);
  assert.deepEqual([...marks.subarray(0, 6)], [1, 0, 0, 0, 1, 0]);
  // A full mark array stops the marking: the caller hashes the rest.
  const two = new Uint8Array(2);
  assert.deepEqual(markHashedLines(buf, sha256Hex, two), { lines: 2, bytes: good.length * 2 + 2 });
});

void test('bundled as esbuild.mjs bundles it (minified too), the worker still answers', async () => {
  // The worker's source is markHashedLines' own text: it must survive bundling and minifying.
  for (const minify of [false, true]) {
    const out = join(dir, `line-hashes-${String(minify)}.cjs`);
    await build({
      entryPoints: [join(import.meta.dirname, '../../gateway/journal/line-hashes.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify,
      outfile: out,
      logLevel: 'warning',
    });
    const bundled = createRequire(import.meta.url)(out) as { readShared: typeof readShared };
    const shared = await bundled.readShared(file, 0);
    await shared.exited;
    const { marks, byWorker } = shared.finish(10_000);
    assert.equal(byWorker, 10_000, `minify: ${String(minify)}`);
    assert.equal(marks.length, 10_000);
    assert.ok(marks.every((m) => m === 1));
  }
});
