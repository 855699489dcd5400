import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import { Journal } from '../../gateway/journal/journal';
import { packBundle, unpackBundle } from '../support/bundle-forge';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-framing-1';

/**
 * Every byte of a bundle is accounted for: the signature and chain cover the inflated text, and
 * the gzip framing around it must be exactly what the exporter writes. Each altered file below
 * inflates (with a plain gunzip) to the very text that verifies, so only the framing check can
 * tell it apart from the original.
 */
void describe('bundles: the gzip framing is checked byte for byte', () => {
  let dir: string;
  let bundle: Buffer;
  let nl: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-framing-'));
    const j = await Journal.create(dir);
    await j.record(TASK, [taskStarted(TASK, 'framing')]);
    await j.record(TASK, callEvents(1));
    await j.close();
    await exportBundle({ dataDir: dir, taskId: TASK, out: join(dir, 'b.airlock') });
    bundle = await readFile(join(dir, 'b.airlock'));
    nl = bundle.indexOf(0x0a);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const magic = (): Buffer => bundle.subarray(0, nl + 1);
  const gz = (): Buffer => Buffer.from(bundle.subarray(nl + 1));
  const refused = async (buf: Buffer, kind: string, message: RegExp, sameText = true): Promise<void> => {
    // The altered file still inflates to the same text: the difference is only in the framing.
    if (sameText) assert.deepEqual(zlib.gunzipSync(buf.subarray(nl + 1)), zlib.gunzipSync(gz()));
    const v = await verifyBundle(buf);
    assert.equal(v.ok ? 'verified' : v.fault.kind, kind, v.ok ? '' : v.fault.message);
    if (!v.ok) assert.match(v.fault.message, message);
  };

  void test('the exporter writes one member with the canonical header, and it verifies', async () => {
    assert.equal(gz().subarray(0, 10).toString('hex'), '1f8b0800000000000403');
    assert.ok((await verifyBundle(bundle)).ok);
  });

  void test('a trailing empty gzip member, or bytes appended after the member, are refused', async () => {
    const empty = zlib.gzipSync(Buffer.alloc(0));
    await refused(Buffer.concat([bundle, empty]), 'unsigned-bytes', /20 bytes follow the compressed data/);
    // (zlib's gunzip itself trips over non-gzip bytes; they are named precisely all the same.)
    await refused(Buffer.concat([bundle, Buffer.from('junk')]), 'unsigned-bytes', /4 bytes follow/, false);
  });

  void test('altered gzip header bytes are refused: mtime, OS, extra flags, a file name, a comment', async () => {
    const mtime = gz();
    mtime.writeUInt32LE(1_700_000_000, 4);
    await refused(Buffer.concat([magic(), mtime]), 'unsigned-bytes', /modification time/);
    const os = gz();
    os[9] = 0x0b;
    await refused(Buffer.concat([magic(), os]), 'unsigned-bytes', /operating system/);
    const xfl = gz();
    xfl[8] = 0x02;
    await refused(Buffer.concat([magic(), xfl]), 'unsigned-bytes', /extra flags/);
    // FNAME and FCOMMENT: zero-terminated strings after the fixed header, shown by gzip -l and co.
    for (const [flag, text] of [
      [0x08, 'session.jsonl'],
      [0x10, 'approved by nobody'],
    ] as const) {
      const g = gz();
      const withField = Buffer.concat([g.subarray(0, 10), Buffer.from(`${text}\0`), g.subarray(10)]);
      withField[3] = flag;
      await refused(Buffer.concat([magic(), withField]), 'unsigned-bytes', /flags/);
    }
  });

  void test('a signature line in another form than the exporter writes is refused', async () => {
    const { magic: m, lines } = unpackBundle(bundle);
    const sig = JSON.parse(lines[lines.length - 1] ?? '{}') as { signature: string };
    for (const variant of [
      `{"signature": "${sig.signature}"}`,
      JSON.stringify({ signature: sig.signature, note: 'hidden text' }),
      JSON.stringify({ signature: `${sig.signature.replace(/=+$/, '')}` }),
    ]) {
      const v = await verifyBundle(packBundle(m, [...lines.slice(0, -1), variant]));
      assert.equal(v.ok ? 'verified' : v.fault.kind, 'unsigned-bytes', variant);
    }
    assert.ok((await verifyBundle(packBundle(m, lines))).ok, 'the same lines re-packed canonically verify');
  });

  void test('a wrong gzip checksum is refused as corrupt', async () => {
    const g = gz();
    g.writeUInt32LE((g.readUInt32LE(g.length - 8) ^ 1) >>> 0, g.length - 8);
    const v = await verifyBundle(Buffer.concat([magic(), g]));
    assert.equal(v.ok ? 'verified' : v.fault.kind, 'corrupt');
  });
});
