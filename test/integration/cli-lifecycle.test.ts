import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  AIRLOCK_BIN,
  isolatedEnv,
  runNode,
  startGatewayProcess,
  startTask,
} from '../support/gateway-process';

void describe('the airlock CLI', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  void test('gateway prints exactly one ready line, keeps secrets 0600, stops cleanly on SIGINT, SIGTERM and SIGHUP', async () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const dataDir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
      dirs.push(dataDir);
      const gw = await startGatewayProcess({ dataDir });
      assert.deepEqual(JSON.parse(gw.stdoutLines()[0] ?? ''), { ready: true, port: gw.port, dataDir });
      for (const f of ['control-token', 'master.key']) {
        assert.equal((await stat(join(dataDir, f))).mode & 0o777, 0o600, f);
      }
      const task = await startTask(gw, ['--name', 'lifecycle', '--ttl', '30m']);
      assert.match(task.taskId, /^t-/);
      assert.ok(Math.abs(Date.parse(task.expiresAt) - Date.now() - 30 * 60_000) < 60_000);
      assert.equal(task.env.AWS_ENDPOINT_URL, `http://127.0.0.1:${gw.port}`);
      assert.match(task.env.AWS_ACCESS_KEY_ID ?? '', /^AKAL[A-Z2-7]{16}$/);
      assert.equal(task.env.AWS_SECRET_ACCESS_KEY?.length, 40);
      assert.equal(task.env.AWS_REGION, 'us-east-1');
      assert.equal(await gw.stop(signal), 0);
      assert.equal(gw.stdoutLines().length, 1, 'nothing but the ready line on stdout');
      assert.equal(existsSync(join(dataDir, 'gateway.json')), false);
    }
  });

  void test('task keys survive a gateway restart; task list shows states', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    dirs.push(dataDir);
    let gw = await startGatewayProcess({ dataDir });
    const a = await startTask(gw, ['--name', 'first']);
    const b = await startTask(gw, ['--name', 'second']);
    assert.equal((await gw.cli(['task', 'end', a.taskId])).code, 0);
    await gw.stop();
    gw = await startGatewayProcess({ dataDir });
    const list = JSON.parse((await gw.cli(['task', 'list', '--json'])).stdout) as {
      taskId: string;
      state: string;
    }[];
    assert.equal(list.find((t) => t.taskId === a.taskId)?.state, 'ended');
    assert.equal(list.find((t) => t.taskId === b.taskId)?.state, 'active');
    assert.ok(!JSON.stringify(list).includes(b.env.AWS_SECRET_ACCESS_KEY ?? '!'), 'list never shows secrets');
    await gw.stop();
  });

  void test('one gateway per data dir: a second is refused naming the first; after a kill -9 the next one starts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    dirs.push(dataDir);
    const first = await startGatewayProcess({ dataDir });
    const task = await startTask(first, ['--name', 'kept']);
    const second = await startGatewayProcess({ dataDir }).then(
      async (gw) => {
        await gw.stop();
        return 'a second gateway started';
      },
      (e: Error) => e.message,
    );
    assert.match(second, /exited with 1/);
    assert.ok(
      second.includes(
        `Another Airlock gateway is already running on ${dataDir} (pid ${first.proc.pid}, port ${first.port})`,
      ),
      second,
    );
    assert.equal((await first.cli(['task', 'list', '--json'])).code, 0, 'the first one is untouched');
    assert.equal(await first.stop('SIGKILL'), null);
    // The killed gateway's lock is no obstacle; the store carries on.
    const next = await startGatewayProcess({ dataDir });
    const list = JSON.parse((await next.cli(['task', 'list', '--json'])).stdout) as { taskId: string }[];
    assert.ok(list.some((t) => t.taskId === task.taskId));
    assert.equal(await next.stop(), 0);
    assert.equal(existsSync(join(dataDir, 'gateway.lock')), false, 'a clean stop leaves no lock behind');
  });

  void test('the gateway listens on loopback only by default', async () => {
    const gw = await startGatewayProcess();
    // The kernel's own table of listening sockets: local address 0100007F is 127.0.0.1.
    const portHex = gw.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = [
      await readFile('/proc/net/tcp', 'utf8'),
      await readFile('/proc/net/tcp6', 'utf8').catch(() => ''),
    ]
      .join('\n')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${portHex}`) && f[3] === '0A')
      .map((f) => f[1]);
    assert.deepEqual(listening, [`0100007F:${portHex}`]);
    await gw.dispose();
  });

  void test('usage errors exit 2 with a message; a missing gateway is explained', async () => {
    const env = isolatedEnv();
    let r = await runNode([AIRLOCK_BIN, 'frobnicate'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown command "frobnicate"/);
    const empty = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    dirs.push(empty);
    r = await runNode([AIRLOCK_BIN, 'task', 'list', '--data-dir', empty], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No Airlock gateway is running/);
    r = await runNode([AIRLOCK_BIN, 'gateway', '--port', 'abc', '--data-dir', empty], env);
    assert.equal(r.code, 2);
  });

  void test('an invalid scope is refused with the reason', async () => {
    const gw = await startGatewayProcess();
    const dir = await mkdtemp(join(tmpdir(), 'airlock-cli-'));
    dirs.push(dir);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }),
    );
    const r = await gw.cli(['task', 'start', '--name', 'x', '--scope', join(dir, 'bad.json'), '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid task scope/);
    await gw.dispose();
  });
});
