import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';
import { startFakeAws, type FakeAws } from '../fakes';
import {
  AIRLOCK_BIN,
  isolatedEnv,
  runNode,
  startGatewayProcess,
  startTask,
} from '../support/gateway-process';

const KEY_AND_STATE_FILES = [
  'master.key',
  'control-token',
  'signing-key.pem',
  'ca-key.pem',
  'tasks.json',
  'journal-heads.json',
] as const;

/** Each file the gateway writes is absent, or whole and usable: never empty, never half-written. */
async function checkFiles(dir: string): Promise<string[]> {
  const present: string[] = [];
  for (const name of KEY_AND_STATE_FILES) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, name));
    } catch {
      continue;
    }
    present.push(name);
    assert.ok(bytes.length > 0, `${name} is empty`);
    assert.equal((await stat(join(dir, name))).mode & 0o077, 0, `${name} is readable by others`);
    if (name === 'master.key') assert.equal(bytes.length, 32, 'master.key is 32 bytes');
    else if (name === 'control-token') assert.match(bytes.toString(), /^[A-Za-z0-9_-]{43}$/);
    else if (name.endsWith('.pem')) createPrivateKey(bytes.toString());
    else JSON.parse(bytes.toString());
  }
  return present;
}

/**
 * `airlock gateway` killed with SIGKILL after `delayMs` (not waiting for ready). With the runtime
 * flags, so the process killed is the gateway itself, not a relaunching parent.
 */
async function startAndKill(dataDir: string, delayMs: number, alsoStartTask: boolean): Promise<void> {
  const args = [...GATEWAY_NODE_FLAGS, AIRLOCK_BIN, 'gateway', '--data-dir', dataDir, '--port', '0'];
  const proc = spawn(process.execPath, args, {
    env: isolatedEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  if (alsoStartTask)
    // Race a task start (tasks.json, the journal, its head) against the kill.
    proc.stdout.once('data', () => {
      void runNode([AIRLOCK_BIN, 'task', 'start', '--name', 'race', '--data-dir', dataDir], isolatedEnv());
      setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
  else setTimeout(() => proc.kill('SIGKILL'), delayMs);
  await exited;
}

void describe('key and state files survive a kill -9 at any moment of the first start', () => {
  let work: string;
  let fake: FakeAws;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'airlock-crash-'));
    fake = await startFakeAws();
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  void test('killed right after its first start, again and again: every file is whole, and the next start works', async (t) => {
    const rounds: [number, boolean][] = [
      [0, false],
      [40, false],
      [90, false],
      [150, false],
      [250, false],
      [400, false],
      [0, true],
      [5, true],
      [20, true],
      [60, true],
    ];
    let sawFiles = 0;
    for (const [i, [delay, withTask]] of rounds.entries()) {
      const dir = join(work, `round-${i}`);
      await startAndKill(dir, delay, withTask);
      const present = await checkFiles(dir).catch((e: unknown) => {
        throw new Error(`round ${i} (kill after ${delay} ms): ${String(e)}`);
      });
      sawFiles += present.length;
      // And again on the same dir, which now holds what the first start left.
      await startAndKill(dir, delay + 30, withTask);
      await checkFiles(dir);
      const gw = await startGatewayProcess({
        dataDir: dir,
        upstream: fake.url,
        credentials: fake.credentials,
      });
      try {
        await startTask(gw, ['--name', `after round ${i}`]);
        await checkFiles(dir);
      } finally {
        await gw.stop();
      }
    }
    t.diagnostic(`key/state files found after the kills: ${sawFiles}`);
    assert.ok(sawFiles > 0, 'some kills landed after files were written');
  });

  void test('a 0-byte or wrong-size key or state file is refused by name, exit 1, never a start on it', async () => {
    const dir = join(work, 'planted');
    const gw = await startGatewayProcess({ dataDir: dir, upstream: fake.url, credentials: fake.credentials });
    await startTask(gw, ['--name', 'makes tasks.json and a journal head']);
    await gw.stop();
    assert.deepEqual((await checkFiles(dir)).sort(), [...KEY_AND_STATE_FILES].sort());
    const cases: [string, Buffer, RegExp][] = [
      [
        'master.key',
        Buffer.alloc(0),
        /\[KeyFileInvalid\]: \S+master\.key is 0 bytes; a master key is 32 random bytes/,
      ],
      ['master.key', Buffer.alloc(16, 1), /\[KeyFileInvalid\]: \S+master\.key is 16 bytes/],
      [
        'control-token',
        Buffer.alloc(0),
        /\[KeyFileInvalid\]: \S+control-token does not hold a control token/,
      ],
      ['signing-key.pem', Buffer.alloc(0), /\[KeyFileInvalid\]: \S+signing-key\.pem is empty/],
      ['ca-key.pem', Buffer.alloc(0), /\[KeyFileInvalid\]: \S+ca-key\.pem is empty/],
      ['tasks.json', Buffer.alloc(0), /\[StateFileInvalid\]: \S+tasks\.json is empty/],
      [
        'journal-heads.json',
        Buffer.from('{"heads":'),
        /\[StateFileInvalid\]: \S+journal-heads\.json is not valid JSON/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const good = await readFile(join(dir, name));
      await writeFile(join(dir, name), bytes);
      const r = await runNode(
        [AIRLOCK_BIN, 'gateway', '--data-dir', dir, '--port', '0'],
        isolatedEnv({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }),
      );
      assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', `${name}: no ready line`);
      assert.match(r.stderr, /^airlock: the gateway did not start /, name);
      assert.match(r.stderr, message, name);
      assert.doesNotMatch(r.stderr, /SyntaxError|at .*\.js:\d+/, `${name}: no raw error or stack`);
      await writeFile(join(dir, name), good, { mode: 0o600 });
    }
    // Put back, it starts again.
    const again = await startGatewayProcess({
      dataDir: dir,
      upstream: fake.url,
      credentials: fake.credentials,
    });
    await again.stop();
  });
});
