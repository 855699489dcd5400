import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EMPTY_HEAD, verifyChain } from '../../gateway/journal/chain';
import { journalContentSize } from '../../gateway/journal/content-size';
import type { EventBody } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { readJournalFile } from '../../gateway/journal/read-journal';
import { scanLines } from '../../gateway/journal/scan-lines';
import { streamJournal } from '../../gateway/journal/stream-journal';
import { FILL_AHEAD_MIN_BYTES } from '../../gateway/journal/fill-ahead';

// Journal lines are written into space filled with blank lines ahead of them, so that an fdatasync
// flushes data alone (no file-size change to commit); readers take the first blank line (or zero
// byte, what a crash can leave of that space) as the end.

const err = (n: number): EventBody => ({ type: 'call.error', data: { code: 'X', message: `m${n}` } });
const cutFiles = async (dataDir: string): Promise<string[]> =>
  (await readdir(join(dataDir, 'journal'))).filter((f) => f.includes('.jsonl.cut-'));
/**
 * A data dir holding task `t`'s journal as a kill -9 leaves it (lines m1 and m2, then the fill):
 * copied from a journal still open, which then closes.
 */
async function crashedWith(dataDir: string): Promise<string> {
  const j = await Journal.create(dataDir);
  await j.record('t', [err(1), err(2)]);
  await settle();
  const crashed = `${dataDir}-crashed`;
  await mkdir(join(crashed, 'journal'), { recursive: true });
  await copyFile(j.fileOf('t'), join(crashed, 'journal', 't.jsonl'));
  await j.close();
  return crashed;
}
const settle = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));
const messages = (events: readonly { data: unknown }[]): string[] =>
  events.map((e) => (e.data as { message: string }).message);

void describe('journal fill-ahead', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-zero-fill-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('an open journal writes into space filled ahead, readers end where its lines do, and a closed one ends with its last line', async () => {
    const j = await Journal.create(join(dir, 'a'));
    await j.record('t', [err(1), err(2), err(3)]);
    await settle();
    const file = j.fileOf('t');
    const bytes = await readFile(file);
    const content = bytes.indexOf('\n\n') + 1;
    assert.ok(content > 0 && bytes.length >= content + FILL_AHEAD_MIN_BYTES / 2, `${bytes.length} bytes`);
    assert.ok(
      bytes.subarray(content).every((b) => b === 0x0a),
      'blank lines after the last line',
    );
    assert.equal(await journalContentSize(file), content);
    // Still a sequence of JSON texts, as a line reader that skips blank lines takes it.
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    assert.deepEqual(messages(lines.map((l) => JSON.parse(l) as { data: unknown })), ['m1', 'm2', 'm3']);

    // Well past the first stretch, in concurrent group commits.
    const n = Math.ceil((3 * FILL_AHEAD_MIN_BYTES) / 150);
    await Promise.all(Array.from({ length: n }, (_, i) => j.record('t', [err(4 + i)])));
    await settle();
    const want = Array.from({ length: n + 3 }, (_, i) => `m${i + 1}`);
    const open = await readJournalFile(file);
    assert.deepEqual(messages(open.events), want);
    assert.equal(open.tornTail, false);
    assert.equal(open.validBytes, open.totalBytes);
    assert.equal(open.validBytes, await journalContentSize(file));
    assert.ok((await stat(file)).size > open.validBytes);
    assert.equal(verifyChain(open.events).ok, true);
    // Streamed in small blocks, so the fill begins inside a block and after a carried line.
    const seen: number[] = [];
    const s = await streamJournal(file, (line) => seen.push(line.seq), { blockBytes: 4096 });
    assert.equal(seen.length, n + 3);
    assert.deepEqual(
      [s.validBytes, s.totalBytes, s.tornTail, s.fault],
      [open.validBytes, open.validBytes, false, undefined],
    );

    await j.close();
    const closed = await readFile(file);
    assert.equal(closed.length, open.validBytes);
    assert.equal(closed.indexOf(0), -1);
    assert.deepEqual(messages((await readJournalFile(file)).events), want);
    // Reopened without a read (same size, same last line), it goes on writing into new space.
    await j.record('t', [err(n + 4)]);
    await j.close();
    assert.deepEqual(messages((await readJournalFile(file)).events), [...want, `m${n + 4}`]);
  });

  void test('a crash leaves the space filled ahead behind: the next open cuts it and the chain goes on', async () => {
    const crashed = await crashedWith(join(dir, 'b'));
    const j2 = await Journal.create(crashed);
    await j2.record('t', [err(3)]);
    await j2.close();
    const bytes = await readFile(j2.fileOf('t'));
    assert.equal(bytes.indexOf('\n\n'), -1);
    const c = await readJournalFile(j2.fileOf('t'));
    assert.deepEqual(messages(c.events), ['m1', 'm2', 'm3']);
    assert.equal(c.fault, undefined);
    assert.equal(verifyChain(c.events).ok, true);
    assert.deepEqual(await cutFiles(crashed), [], 'nothing but fill was cut');
  });

  void test('what an open cuts beyond the fill (a torn line, lines after a hole) is kept beside the journal', async () => {
    const crashed = await crashedWith(join(dir, 'e'));
    const file = join(crashed, 'journal', 't.jsonl');
    // A crash in the middle of writing the third line: its first bytes, then the fill.
    const content = await journalContentSize(file);
    const fh = await open(file, 'r+');
    await fh.write('{"data":{"code":"X","message":"m3"', content);
    await fh.close();
    const j2 = await Journal.create(crashed);
    await j2.record('t', [err(3)]);
    await j2.close();
    assert.deepEqual(messages((await readJournalFile(file)).events), ['m1', 'm2', 'm3']);
    const kept = await cutFiles(crashed);
    assert.equal(kept.length, 1);
    const cut = await readFile(join(crashed, 'journal', kept[0] ?? ''), 'utf8');
    assert.ok(cut.startsWith('{"data":{"code":"X","message":"m3"\n'), cut.slice(0, 80));
  });

  void test('the first blank line or zero byte ends the content; a line cut by it is torn, lines after a hole are not read', async () => {
    const j = await Journal.create(join(dir, 'c'));
    await j.record('t', [err(1), err(2), err(3)]);
    await j.close();
    const whole = await readFile(j.fileOf('t'));
    const ends: number[] = [];
    for (let i = whole.indexOf(0x0a); i >= 0; i = whole.indexOf(0x0a, i + 1)) ends.push(i + 1);
    const [one = 0, two = 0] = ends;
    const fill = Buffer.alloc(300, 0x0a);
    const zeros = Buffer.alloc(300);
    const scan = (...parts: Buffer[]) => scanLines(Buffer.concat(parts), EMPTY_HEAD, 0, () => undefined);

    const clean = scan(whole, fill);
    assert.deepEqual(
      [clean.lines, clean.validBytes, clean.contentBytes, clean.tornTail, clean.reachedUnwritten],
      [3, whole.length, whole.length, false, true],
    );
    assert.equal(scan(whole, zeros).tornTail, false);
    // A write cut short: what follows it is the fill (its newline then ends the line) or zeros.
    const cut = scan(whole.subarray(0, two + 20), fill);
    assert.deepEqual([cut.lines, cut.validBytes, cut.fault, cut.tornTail], [2, two, undefined, true]);
    const cutByZeros = scan(whole.subarray(0, two + 20), zeros);
    assert.deepEqual([cutByZeros.lines, cutByZeros.validBytes, cutByZeros.tornTail], [2, two, true]);
    // Page cache lost around a hole: the lines after it were never synced, so they are not read.
    for (const hole of [fill, zeros]) {
      const r = scan(whole.subarray(0, one), hole, whole.subarray(one));
      assert.deepEqual([r.lines, r.validBytes, r.fault, r.tornTail], [1, one, undefined, false]);
    }
    // An edited line is a fault, fill after it or not; only the last line before the fill is torn.
    const edited = Buffer.from(whole.toString('utf8').replace('"m2"', '"m9"'));
    assert.equal(scan(edited, fill).fault?.kind, 'bad-hash');
    // Without any fill nothing changes: a last line with no newline is torn.
    const plain = scan(whole.subarray(0, two + 20));
    assert.deepEqual(
      [plain.lines, plain.validBytes, plain.contentBytes, plain.tornTail, plain.reachedUnwritten],
      [2, two, two + 20, true, false],
    );
  });

  void test('content size: a closed journal is its size, a missing one 0', async () => {
    const j = await Journal.create(join(dir, 'd'));
    await j.record('t', [err(1)]);
    await j.close();
    assert.equal(await journalContentSize(j.fileOf('t')), (await stat(j.fileOf('t'))).size);
    assert.equal(await journalContentSize(join(dir, 'd', 'journal', 'none.jsonl')), 0);
  });
});
