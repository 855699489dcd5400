import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle } from '../../gateway/bundle/import-bundle';
import { openBundle } from '../../extension/timeline/bundle-session';
import { ImportedBundles } from '../../extension/timeline/imported-bundles';
import { packBundle, resignBundle, unpackBundle } from '../support/bundle-forge';
import { SECRET_BODY, TASK, type TimelineJournal, timelineJournal } from './support/timeline-journal';

void describe('bundles in the editor and the task list', () => {
  let t: TimelineJournal;
  let dir: string;
  let bundle: Buffer;
  before(async () => {
    t = await timelineJournal();
    dir = t.dir;
    const out = join(dir, 'task.airlock');
    await exportBundle({ dataDir: dir, taskId: TASK, out });
    bundle = await readFile(out);
  });
  after(() => t?.dispose());

  void test('a verified bundle shows its signer and its events; bodies come on request', async () => {
    const s = await openBundle(bundle);
    assert.equal(s.verification.state, 'verified');
    assert.match(s.verification.state === 'verified' ? s.verification.fingerprint : '', /^SHA256:/);
    assert.equal(s.summary.task.name, 'fix upload lambda');
    assert.equal(s.summary.counts?.calls, 3);
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
