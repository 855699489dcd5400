import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../gateway/bundle/signing-key';
import { CONTROL_TOKEN_FILE, MASTER_KEY_FILE, prepareDataDir } from '../../gateway/server/data-dir';
import { removeStaleTempFiles, writeFileDurable } from '../../gateway/storage/durable-file';
import { deriveTaskSecret } from '../../gateway/tasks/task-keys';
import { TaskRegistry, TASKS_FILE } from '../../gateway/tasks/task-registry';

const refusal = (code: string, message: RegExp) => (e: Error & { code?: string }) => {
  assert.equal(e.name, 'DataDirFileError');
  assert.equal(e.code, code);
  assert.match(e.message, message);
  return true;
};

void describe('data dir key and state files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-files-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void test('writeFileDurable: whole file, mode from creation, no temp left; exclusive leaves an existing file alone', async () => {
    const f = join(dir, 'state.json');
    assert.equal(await writeFileDurable(f, '{"a":1}'), 'written');
    assert.equal(await readFile(f, 'utf8'), '{"a":1}');
    assert.equal((await stat(f)).mode & 0o777, 0o600);
    assert.equal(await writeFileDurable(f, '{"a":2}'), 'written', 'replaces by default');
    assert.equal(await writeFileDurable(f, 'theirs', { exclusive: true }), 'exists');
    assert.equal(await readFile(f, 'utf8'), '{"a":2}');
    const pub = join(dir, 'public.pem');
    await writeFileDurable(pub, 'x', { mode: 0o644 });
    assert.equal((await stat(pub)).mode & 0o777, 0o644);
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.includes('.tmp-')),
      [],
    );
  });

  void test('stale temp files from a crash are removed, fresh ones (a write in progress) are not', async () => {
    const d = join(dir, 'temps');
    await prepareDataDir(d);
    const old = join(d, 'tasks.json.tmp-123-0a1b2c3d');
    const fresh = join(d, 'master.key.tmp-456-deadbeef');
    await writeFile(old, '');
    await writeFile(fresh, '');
    // Two minutes on, both are left-overs.
    await removeStaleTempFiles(d, 60_000, Date.now() + 120_000);
    assert.deepEqual((await readdir(d)).filter((n) => n.includes('.tmp-')).sort(), []);
    await writeFile(fresh, '');
    await removeStaleTempFiles(d);
    assert.ok((await readdir(d)).includes('master.key.tmp-456-deadbeef'), 'a just-written temp stays');
  });

  void test('a 0-byte or short master key stops the start, naming the file and what to do', async () => {
    for (const bytes of [0, 16, 33]) {
      const d = join(dir, `mk-${bytes}`);
      await prepareDataDir(d);
      await writeFile(join(d, MASTER_KEY_FILE), Buffer.alloc(bytes, 1));
      await assert.rejects(
        prepareDataDir(d),
        refusal(
          'KeyFileInvalid',
          new RegExp(`master\\.key is ${bytes} bytes; a master key is 32 .*move it aside`),
        ),
      );
    }
  });

  void test('an empty control token, tasks.json, signing key: each refused with its own file named', async () => {
    const d = join(dir, 'empties');
    const { masterKey } = await prepareDataDir(d);
    await writeFile(join(d, CONTROL_TOKEN_FILE), '');
    await assert.rejects(
      prepareDataDir(d),
      refusal('KeyFileInvalid', /control-token does not hold a control token/),
    );
    await writeFile(join(d, TASKS_FILE), '');
    await assert.rejects(
      TaskRegistry.load(d, masterKey),
      refusal('StateFileInvalid', /tasks\.json is empty/),
    );
    await writeFile(join(d, TASKS_FILE), '{"tasks": 5}');
    await assert.rejects(TaskRegistry.load(d, masterKey), refusal('StateFileInvalid', /not a task list/));
    await writeFile(join(d, SIGNING_KEY_FILE), '');
    await assert.rejects(loadOrCreateSigningKey(d), refusal('KeyFileInvalid', /signing-key\.pem is empty/));
  });

  void test('no task secret is ever derived from a key that is not 32 bytes', () => {
    assert.throws(() => deriveTaskSecret(Buffer.alloc(0), 'AKALAAAA'), /0-byte master key/);
    assert.equal(deriveTaskSecret(Buffer.alloc(32, 7), 'AKALAAAA').length, 40);
  });

  void test('a new data dir gets 0600 keys, written whole', async () => {
    const d = join(dir, 'fresh');
    const s = await prepareDataDir(d);
    assert.equal(s.masterKey.length, 32);
    assert.match(s.controlToken, /^[A-Za-z0-9_-]{43}$/);
    for (const f of [MASTER_KEY_FILE, CONTROL_TOKEN_FILE])
      assert.equal((await stat(join(d, f))).mode & 0o777, 0o600, f);
    assert.deepEqual(await prepareDataDir(d), s, 'the second start reads the same keys');
  });
});
