import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportBundle } from '../../gateway/bundle/export-bundle';
import { importBundle } from '../../gateway/bundle/import-bundle';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../gateway/bundle/signing-key';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import { Journal } from '../../gateway/journal/journal';
import { RecordingIndex } from '../../gateway/recording/recording-index';
import { packBundle, resignBundle, unpackBundle } from '../support/bundle-forge';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-bundle-1';

const unpack = unpackBundle;
const pack = packBundle;

void describe('bundles: export, verify, tampering, import', () => {
  let dir: string;
  let bundle: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-bundle-'));
    const j = await Journal.create(dir);
    await j.record(TASK, [taskStarted(TASK, 'fix upload lambda', { Version: '2012-10-17', Statement: [] })]);
    for (let i = 1; i <= 5; i++) await j.record(TASK, callEvents(i));
    await j.record(TASK, [
      {
        type: 'approval.requested',
        data: {
          approvalId: 'apr-1',
          callId: 'call-2',
          identity: 'dev',
          service: 'iam',
          action: 'iam:CreateRole',
          resources: ['arn:aws:iam::123456789012:role/x'],
          summary: 'Create role x',
          params: {},
          rule: { id: 'ask-iam-writes', reason: 'IAM changes' },
          expiresAt: '2030-01-01T00:00:00.000Z',
          timeoutSeconds: 300,
        },
      },
      {
        type: 'approval.decided',
        data: { approvalId: 'apr-1', decision: 'approve-once', decidedBy: 'dev', waitedMs: 900, attempts: 1 },
      },
    ]);
    await j.record(TASK, [
      {
        type: 'call.response',
        data: {
          callId: 'call-9',
          status: 200,
          responseBytes: 10,
          gatewayMs: 1,
          local: false,
          masked: [{ where: 'response', field: 'SecretString', source: 'catalogue', count: 1 }],
        },
      },
    ]);
    await j.close();
    const r = await exportBundle({
      dataDir: dir,
      taskId: TASK,
      out: join(dir, 'task.airlock'),
      workspacePolicy: { policy: { denyRules: [] } },
    });
    assert.equal(r.events, 19);
    bundle = await readFile(join(dir, 'task.airlock'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('an untouched bundle verifies and carries task, policy, approvals, masked fields, chain head, signer', async () => {
    const v = await verifyBundle(bundle);
    assert.ok(v.ok);
    const key = await loadOrCreateSigningKey(dir);
    assert.equal(v.fingerprint, key.fingerprint);
    assert.equal(v.count, 19);
    assert.equal(v.header.task.name, 'fix upload lambda');
    assert.deepEqual(v.header.policy.taskScope, { Version: '2012-10-17', Statement: [] });
    assert.deepEqual(v.header.policy.workspace, { denyRules: [] });
    assert.deepEqual(
      v.header.approvals.map((a) => [a.approvalId, a.state, a.rule]),
      [['apr-1', 'approved', 'ask-iam-writes']],
    );
    assert.deepEqual(v.header.masked, [
      { where: 'response', field: 'SecretString', source: 'catalogue', count: 1 },
    ]);
    assert.equal(v.header.events.head.seq, 19);
    assert.equal((await stat(join(dir, SIGNING_KEY_FILE))).mode & 0o777, 0o600);
  });

  const fails = async (buf: Buffer, kind: string, message: RegExp): Promise<void> => {
    const v = await verifyBundle(buf);
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.equal(v.fault.kind, kind, v.fault.message);
    assert.match(v.fault.message, message);
  };

  void test('an edited event is named by its seq', async () => {
    const { magic, lines } = unpack(bundle);
    const edited = [...lines];
    assert.ok(edited[2]?.includes('"o-1"'));
    edited[2] = (edited[2] ?? '').replace('"o-1"', '"o-X"');
    await fails(pack(magic, edited), 'edited-event', /seq 2 was changed/);
    const last = [...lines];
    last[19] = (last[19] ?? '').replace('"status":200', '"status":201');
    await fails(pack(magic, last), 'edited-event', /seq 19 was changed/);
  });

  void test('locateChanges lists every event edited after signing, and only those', async () => {
    const { magic, lines } = unpack(bundle);
    const changedOf = async (edited: string[]): Promise<readonly number[] | undefined> => {
      const v = await verifyBundle(pack(magic, edited), { locateChanges: true, keepEvents: true });
      assert.equal(v.ok, false);
      if (v.ok) return undefined;
      // Locating changes does not change the verdict: still the first fault, as without it.
      assert.equal(v.fault.kind, 'edited-event');
      return v.changed;
    };
    const one = [...lines];
    one[5] = (one[5] ?? '').replace('"o-2"', '"o-X"');
    assert.notEqual(one[5], lines[5]);
    assert.deepEqual(await changedOf(one), [5]);
    const two = [...one];
    two[14] = (two[14] ?? '').replace('"TableName":"orders"', '"TableName":"payroll"');
    assert.notEqual(two[14], lines[14]);
    assert.deepEqual(await changedOf(two), [5, 14]);
    const last = [...lines];
    last[19] = (last[19] ?? '').replace('"status":200', '"status":201');
    assert.deepEqual(await changedOf(last), [19]);
    const untouched = await verifyBundle(bundle, { locateChanges: true });
    assert.ok(untouched.ok);
  });

  void test('a dropped event, reordered events', async () => {
    const { magic, lines } = unpack(bundle);
    await fails(
      pack(
        magic,
        lines.filter((_, i) => i !== 6),
      ),
      'dropped-events',
      /seq 6 missing/,
    );
    const swapped = [...lines];
    [swapped[6], swapped[7]] = [swapped[7] ?? '', swapped[6] ?? ''];
    await fails(pack(magic, swapped), 'reordered-events', /seq 7 stands where seq 6 belongs/);
  });

  void test('a bad signature: edited header, or a signature by another key', async () => {
    const { magic, lines } = unpack(bundle);
    const header = [...lines];
    header[0] = (header[0] ?? '').replace('fix upload lambda', 'harmless task');
    await fails(pack(magic, header), 'bad-signature', /bad signature/);
    // A forger re-signs with their own key but leaves the original signer in the header.
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = [...lines];
    forged[forged.length - 1] = JSON.stringify({
      signature: sign(null, Buffer.from(lines[0] ?? ''), other).toString('base64'),
    });
    await fails(pack(magic, forged), 'bad-signature', /bad signature/);
  });

  void test('a fully re-signed forgery verifies only as the forger, an unknown signer; --expect-signer catches it', async () => {
    const original = await loadOrCreateSigningKey(dir);
    const trust = { own: original.fingerprint, pinned: [] };
    const mine = await verifyBundle(bundle, { trust });
    assert.ok(mine.ok && mine.signer.known && mine.signer.via === 'this-gateway');
    const { bundle: forged, fingerprint } = resignBundle(bundle);
    const v = await verifyBundle(forged, { trust });
    assert.ok(v.ok && v.fingerprint === fingerprint);
    assert.deepEqual(v.signer, { fingerprint, known: false });
    const pinned = await verifyBundle(forged, { expectSigner: original.fingerprint });
    assert.equal(pinned.ok ? 'ok' : pinned.fault.kind, 'untrusted-signer');
    // A team that pinned the forger's key by name sees that name (this is what pinning is for).
    const named = await verifyBundle(forged, { trust: { pinned: [{ fingerprint, name: 'alice' }] } });
    assert.ok(named.ok);
    assert.deepEqual(named.signer, { fingerprint, known: true, name: 'alice', via: 'policy' });
  });

  void test('a truncated file, corrupt bytes, an unknown version, not a bundle', async () => {
    await fails(bundle.subarray(0, bundle.length - 40), 'truncated', /truncated/);
    const { magic, lines } = unpack(bundle);
    await fails(pack(magic, lines.slice(0, -1)), 'truncated', /signature is missing/);
    const corrupt = Buffer.from(bundle);
    corrupt[corrupt.length - 100] = (corrupt[corrupt.length - 100] ?? 0) ^ 0xff;
    const v = await verifyBundle(corrupt);
    assert.ok(!v.ok && (v.fault.kind === 'corrupt' || v.fault.kind === 'truncated'));
    await fails(pack('AIRLOCK-BUNDLE/3', lines), 'unknown-version', /unknown bundle version "3"/);
    await fails(Buffer.from('{"hello":1}\n'), 'not-a-bundle', /not an Airlock bundle/);
  });

  void test('import: a verified bundle becomes a read-only session marked with its signer; a bad one is refused', async () => {
    const other = await mkdtemp(join(tmpdir(), 'airlock-import-'));
    try {
      const file = join(dir, 'task.airlock');
      const key = await loadOrCreateSigningKey(dir);
      // Another data dir knows nothing of this key: import asks for the user's word first.
      await assert.rejects(importBundle(other, file), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'UnknownSigner');
        assert.match(e.message, /UNKNOWN key .*--allow-unknown-signer/);
        return true;
      });
      const r = await importBundle(other, file, { allowUnknownSigner: true });
      assert.equal(r.fingerprint, key.fingerprint);
      assert.equal(r.signer.known, false);
      assert.equal((await stat(r.file)).mode & 0o222, 0, 'stored read-only');
      const again = await importBundle(other, file, { expectSigner: key.fingerprint });
      assert.equal(again.unchanged, true);
      assert.equal(again.signer.known, true);
      const index = await RecordingIndex.open(other);
      await index.sync();
      const s = index.sessions();
      assert.equal(s.length, 1);
      assert.equal(s[0]?.imported, true);
      assert.equal(s[0]?.signer, key.fingerprint);
      assert.equal(s[0]?.taskId, TASK);
      assert.equal(s[0]?.calls, 5);
      index.close();
      const { magic, lines } = unpack(bundle);
      await writeFile(
        join(other, 'bad.airlock'),
        pack(
          magic,
          lines.filter((_, i) => i !== 3),
        ),
      );
      await assert.rejects(
        importBundle(other, join(other, 'bad.airlock'), { allowUnknownSigner: true }),
        /not imported: dropped events/,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
