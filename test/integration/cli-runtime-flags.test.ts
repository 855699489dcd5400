// `airlock gateway` runs with the gateway's runtime flags however it is started: a bare start
// relaunches itself in a child with them (gateway/cli/relaunch-gateway.ts). Linux only (/proc).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY_NODE_FLAGS } from '../../gateway/server/runtime-flags';
import {
  AIRLOCK_BIN,
  type GatewayProcess,
  type StartOptions,
  runNode,
  isolatedEnv,
  startGatewayProcess,
  startTask,
} from '../support/gateway-process';
import {
  childrenOf,
  commandLine,
  isRunning,
  parentOf,
  pidsListeningOn,
  processGroupOf,
  startEnvironment,
} from '../support/proc-table';

/** Each test's bound: a broken relaunch hangs rather than fails, and its processes are then killed. */
const T = { timeout: 30_000 };

/** Polls until `done()` holds; fails after 15 s (a bound on a hang, not a performance figure). */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

// What a failed test leaves running is killed after it, so a broken relaunch leaves no orphans.
const started: GatewayProcess[] = [];
const seen = new Set<number>();

async function start(opts: StartOptions): Promise<GatewayProcess> {
  const gw = await startGatewayProcess(opts);
  started.push(gw);
  seen.add(gw.proc.pid!);
  return gw;
}

/** The one process listening on the gateway's port. */
function server(gw: GatewayProcess): number {
  const pids = pidsListeningOn(gw.port);
  pids.forEach((p) => seen.add(p));
  assert.equal(pids.length, 1, `one process listens on ${gw.port}: ${pids.join(', ')}`);
  return pids[0]!;
}

void describe('airlock gateway and its runtime flags', { skip: process.platform !== 'linux' }, () => {
  let work: string;
  let preload: string;
  /** A Node flag of the user's own: every Node process that runs it says so on stderr. */
  let userFlags: string[];
  const nodeStarts = (stderr: string): number =>
    stderr.split('\n').filter((l) => l.startsWith('node-start ')).length;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'airlock-flags-'));
    preload = join(work, 'preload.cjs');
    await writeFile(preload, "process.stderr.write('node-start ' + process.pid + '\\n');\n");
    userFlags = ['--require', preload];
  });
  afterEach(async () => {
    // Only still one of ours: a pid may have been reused since.
    for (const pid of seen)
      if (isRunning(pid) && commandLine(pid).includes(AIRLOCK_BIN)) process.kill(pid, 'SIGKILL');
    seen.clear();
    for (const gw of started.splice(0)) await gw.dispose();
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    void test(
      `started bare, it serves from a child with the flags and the user's Node flags; ${signal} to it stops both cleanly`,
      T,
      async () => {
        const dataDir = await mkdtemp(join(work, 'data-'));
        const gw = await start({ dataDir, runtimeFlags: false, nodeArgs: userFlags });
        const parent = gw.proc.pid!;
        const child = server(gw);
        assert.notEqual(child, parent, 'the port is served by another process');
        assert.equal(parentOf(child), parent);
        assert.deepEqual(childrenOf(parent), [child]);
        assert.deepEqual(commandLine(parent).slice(0, 4), [process.execPath, ...userFlags, AIRLOCK_BIN]);
        const argv = commandLine(child);
        assert.deepEqual(argv.slice(0, 5), [process.execPath, ...userFlags, ...GATEWAY_NODE_FLAGS]);
        assert.deepEqual(argv.slice(5), commandLine(parent).slice(3), 'the same script and arguments');
        assert.equal(nodeStarts(gw.stderr()), 2, 'the parent and the child, both with the preload');
        // It serves.
        const task = await startTask(gw, ['--name', 'relaunched']);
        assert.equal(task.env.AWS_ENDPOINT_URL, `http://127.0.0.1:${gw.port}`);

        assert.equal(await gw.stop(signal), 0);
        assert.equal(isRunning(child), false, 'the child is gone once the parent has exited');
        assert.ok(await refused(gw.port), 'the port is free');
        assert.match(gw.stderr(), new RegExp(`"msg":"stopping","reason":"${signal}"`));
        // The clean stop's last steps: the journal and data dir closed, the lock released.
        assert.equal(existsSync(join(dataDir, 'gateway.json')), false);
        assert.equal(existsSync(join(dataDir, 'gateway.lock')), false);
        assert.equal(gw.stdoutLines().length, 1, 'one ready line, from the child, and nothing else');
        assert.deepEqual(JSON.parse(gw.stdoutLines()[0]!), { ready: true, port: gw.port, dataDir });
      },
    );

  void test(
    'Ctrl-C in a terminal (SIGINT to the whole process group) reaches the child once: it stops cleanly',
    T,
    async () => {
      const dataDir = await mkdtemp(join(work, 'data-'));
      const gw = await start({ dataDir, runtimeFlags: false, ownProcessGroup: true });
      const child = server(gw);
      assert.notEqual(child, gw.proc.pid);
      assert.equal(processGroupOf(gw.proc.pid!), gw.proc.pid);
      assert.notEqual(
        processGroupOf(child),
        gw.proc.pid,
        "the group's signals reach the child only through its parent",
      );
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
        gw.proc.once('exit', (code, s) => r([code, s])),
      );
      process.kill(-gw.proc.pid!, 'SIGINT');
      // A second SIGINT would have ended the child at once, without the clean stop.
      assert.deepEqual(await exited, [0, null]);
      assert.equal(gw.stderr().match(/"msg":"stopping"/g)?.length, 1);
      assert.equal(existsSync(join(dataDir, 'gateway.lock')), false);
    },
  );

  void test(
    'SIGTERM as soon as the ready line is read, bare or with the flags: a clean stop',
    T,
    async () => {
      for (const runtimeFlags of [false, true]) {
        const dataDir = await mkdtemp(join(work, 'data-'));
        const gw = await start({ dataDir, runtimeFlags });
        assert.equal(await gw.stop('SIGTERM'), 0, `runtimeFlags ${runtimeFlags}`);
        assert.match(gw.stderr(), /"msg":"stopping","reason":"SIGTERM"/);
        assert.equal(existsSync(join(dataDir, 'gateway.lock')), false);
      }
    },
  );

  void test(
    'the parent killed with SIGKILL: the child notices, stops cleanly and frees the port',
    T,
    async () => {
      const dataDir = await mkdtemp(join(work, 'data-'));
      const gw = await start({ dataDir, runtimeFlags: false });
      const child = server(gw);
      assert.notEqual(child, gw.proc.pid);
      // The child writes to the same stderr pipe: it closes once the child is gone too.
      let stderrClosed = false;
      gw.proc.stderr!.once('close', () => (stderrClosed = true));
      assert.equal(await gw.stop('SIGKILL'), null);
      await until('the child has closed its end of stderr', () => stderrClosed);
      await until('the child has exited', () => !isRunning(child));
      assert.ok(await refused(gw.port), 'no orphan serves the port');
      assert.match(gw.stderr(), /"msg":"stopping","reason":"launcher exited"/);
      assert.equal(existsSync(join(dataDir, 'gateway.json')), false, 'it stopped cleanly');
      assert.equal(existsSync(join(dataDir, 'gateway.lock')), false);
    },
  );

  void test('the child killed: the parent ends the same way', T, async () => {
    const gw = await start({ runtimeFlags: false });
    const child = server(gw);
    assert.notEqual(child, gw.proc.pid);
    const exited = new Promise<NodeJS.Signals | null>((r) => gw.proc.once('exit', (_code, s) => r(s)));
    process.kill(child, 'SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  });

  void test(
    'started bare under a debugger (--inspect), it runs in that process, where the debugger is',
    T,
    async () => {
      const dataDir = await mkdtemp(join(work, 'data-'));
      // Port 0: the inspector takes a free port, so parallel runs never collide.
      const gw = await start({ dataDir, runtimeFlags: false, nodeArgs: ['--inspect=127.0.0.1:0'] });
      assert.equal(server(gw), gw.proc.pid, 'no child: the debugged process serves');
      assert.deepEqual(childrenOf(gw.proc.pid!), []);
      assert.equal(gw.stderr().match(/Debugger listening on ws:/g)?.length, 1);
      assert.doesNotMatch(gw.stderr(), /Starting inspector .* failed/);
      assert.match(gw.stderr(), /a debugger can attach to this process, so the gateway runs in it/);
      const task = await startTask(gw, ['--name', 'debugged']);
      assert.equal(task.env.AWS_ENDPOINT_URL, `http://127.0.0.1:${gw.port}`);
      assert.equal(await gw.stop('SIGTERM'), 0);
      assert.equal(existsSync(join(dataDir, 'gateway.lock')), false);
    },
  );

  void test(
    'started with the flags (as the extension and the test harness do), it runs in that one process',
    T,
    async () => {
      const gw = await start({ nodeArgs: userFlags });
      assert.equal(server(gw), gw.proc.pid);
      assert.deepEqual(childrenOf(gw.proc.pid!), []);
      assert.equal(nodeStarts(gw.stderr()), 1);
      assert.equal(await gw.stop(), 0);
    },
  );

  void test(
    'a flag given in NODE_OPTIONS, with a value of its own, is kept; only the other one is added',
    T,
    async () => {
      const gw = await start({
        runtimeFlags: false,
        env: { NODE_OPTIONS: '--max-semi-space-size=4' },
      });
      const child = server(gw);
      assert.notEqual(child, gw.proc.pid);
      assert.deepEqual(commandLine(child).slice(1, 2), ['--heap-growing-percent=60']);
      assert.ok(!commandLine(child).some((a) => a.startsWith('--max-semi-space-size')));
      assert.ok(startEnvironment(child).includes('NODE_OPTIONS=--max-semi-space-size=4'));
      assert.equal(await gw.stop(), 0);
    },
  );

  void test(
    'other commands never relaunch; a bare gateway that refuses to start exits as its child did',
    T,
    async () => {
      const empty = await mkdtemp(join(work, 'empty-'));
      const env = isolatedEnv();
      for (const args of [['sessions'], ['task', 'list'], ['whoami']]) {
        const r = await runNode([...userFlags, AIRLOCK_BIN, ...args, '--data-dir', empty], env);
        assert.equal(nodeStarts(r.stderr), 1, `${args.join(' ')}: one Node process\n${r.stderr}`);
      }
      const r = await runNode(
        [...userFlags, AIRLOCK_BIN, 'gateway', '--port', 'abc', '--data-dir', empty],
        env,
      );
      assert.equal(nodeStarts(r.stderr), 2);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--port must be 0\.\.65535, got abc/);
      assert.equal(r.stdout, '');
    },
  );
});
