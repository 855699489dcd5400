import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataDirInUseError, lockDataDir } from '../../gateway/server/data-dir-lock';

void describe('data dir lock', () => {
  const dirs: string[] = [];
  const fresh = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'airlock-lock-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  void test('a second holder is refused, also through another spelling of the path; release frees it', async () => {
    const root = await fresh();
    const dir = join(root, 'data');
    await mkdir(dir);
    await writeFile(join(dir, 'gateway.json'), JSON.stringify({ pid: 4242, host: '127.0.0.1', port: 5151 }));
    await symlink(dir, join(root, 'alias'));
    const lock = await lockDataDir(dir);
    for (const spelling of [dir, join(root, 'alias'), `${root}/./data/`]) {
      await assert.rejects(lockDataDir(spelling), (e: unknown) => {
        assert.ok(e instanceof DataDirInUseError);
        assert.equal(e.code, 'DataDirInUse');
        assert.deepEqual(e.holder, { pid: 4242, port: 5151 });
        assert.match(e.message, /already running on .* \(pid 4242, port 5151\)\. Stop it first/);
        return true;
      });
    }
    await lock.release();
    assert.equal(existsSync(join(dir, 'gateway.lock')), false, 'a released lock leaves no file');
    await (await lockDataDir(dir)).release();
  });

  void test('a lock file nobody listens on (its holder was killed) is taken over', async () => {
    const dir = await fresh();
    // What a kill -9 leaves: the socket file, with no process behind it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('net').createServer().listen(process.argv[1], () => console.log('up'))`,
        join(dir, 'gateway.lock'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout, 'data');
    await assert.rejects(lockDataDir(dir), DataDirInUseError, 'held while its process lives');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    assert.ok(existsSync(join(dir, 'gateway.lock')));
    const lock = await lockDataDir(dir);
    await assert.rejects(lockDataDir(dir), DataDirInUseError);
    await lock.release();
  });

  void test('a data dir path too long for a socket still locks (the lock moves to the temp dir)', async () => {
    const dir = join(await fresh(), 'x'.repeat(60), 'y'.repeat(60));
    const lock = await lockDataDir(dir);
    assert.equal(existsSync(join(dir, 'gateway.lock')), false);
    await assert.rejects(
      lockDataDir(dir),
      (e: unknown) => e instanceof DataDirInUseError && e.holder === undefined,
    );
    await lock.release();
    await (await lockDataDir(dir)).release();
  });
});
