import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  backoffDelay,
  type GatewayState,
  GatewaySupervisor,
} from '../../extension/gateway/gateway-supervisor';
import { isolatedEnv, REPO_ROOT, startGatewayProcess } from '../support/gateway-process';
import { STANDIN_CODE } from '../../extension/gateway/standin-server';

// The extension's supervisor against the real bundled gateway (dist/gateway.js, from `npm run build`).
const SCRIPT = join(REPO_ROOT, 'dist', 'gateway.js');
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-sup-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function supervise(
  args: readonly string[] = [],
  dataDir?: string,
): {
  sup: GatewaySupervisor;
  states: GatewayState[];
  next: (kind: GatewayState['kind']) => Promise<GatewayState>;
} {
  const states: GatewayState[] = [];
  const waiters: { kind: GatewayState['kind']; resolve: (s: GatewayState) => void }[] = [];
  const sup = new GatewaySupervisor({
    execPath: process.execPath,
    script: SCRIPT,
    dataDir: dataDir ?? join(dir, `data-${Math.random().toString(36).slice(2)}`),
    args: () => Promise.resolve(args),
    env: isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }),
    onLogLine: () => undefined,
    onState: (s) => {
      states.push(s);
      for (const w of [...waiters]) {
        if (w.kind !== s.kind) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(s);
      }
    },
  });
  // Resolves with the first state of `kind` reported after this call.
  const next = (kind: GatewayState['kind']): Promise<GatewayState> =>
    new Promise((resolve, reject) => {
      waiters.push({ kind, resolve });
      setTimeout(
        () => reject(new Error(`no "${kind}" state; saw ${states.map((s) => s.kind).join(', ')}`)),
        20_000,
      ).unref();
    });
  return { sup, states, next };
}

void test('back-off doubles from one second and stops at thirty', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(backoffDelay), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

void test('reads the ready line, restarts a killed gateway on the same port, and stops it', async () => {
  const { sup, next } = supervise();
  const running = next('running');
  sup.start();
  const first = await running;
  assert.equal(first.kind, 'running');
  if (first.kind !== 'running') return;
  const res = await fetch(`http://127.0.0.1:${first.port}/_airlock/v1/health`);
  assert.equal(res.status, 401, 'the control API answers (and wants its token)');

  const restarting = next('restarting');
  const back = next('running');
  process.kill(first.pid, 'SIGKILL');
  const r = await restarting;
  assert.equal(r.kind === 'restarting' && r.attempt, 1);
  assert.match(r.kind === 'restarting' ? r.reason : '', /killed \(SIGKILL\)/);
  const second = await back;
  assert.ok(second.kind === 'running' && second.pid !== first.pid);
  assert.equal(second.kind === 'running' && second.port, first.port, 'same port, so terminals keep working');

  await sup.stop();
  assert.equal(sup.state.kind, 'stopped');
  assert.throws(() => process.kill(second.kind === 'running' ? second.pid : -1, 0), /ESRCH/);
  await sup.dispose();
});

void test('a flag the gateway refuses is a failure, not a restart loop', async () => {
  const { sup, next, states } = supervise(['--no-such-flag']);
  const failed = next('failed');
  sup.start();
  const f = await failed;
  assert.match(f.kind === 'failed' ? f.reason : '', /no-such-flag/);
  assert.ok(!states.some((s) => s.kind === 'restarting'));
  await sup.dispose();
});

void test('a gateway that refuses to start (a broken policy file) is a failure, not a restart loop', async () => {
  const policy = join(dir, 'broken-policy.json');
  await writeFile(policy, '{ "outOfScope": "maybe" }');
  const { sup, next, states } = supervise(['--policy', policy]);
  const failed = next('failed');
  sup.start();
  const f = await failed;
  assert.match(f.kind === 'failed' ? f.reason : '', /outOfScope/);
  assert.ok(!states.some((s) => s.kind === 'restarting'));
  await sup.dispose();
});

void test('a gateway orphaned by a dead extension host is stopped, and its port taken over', async () => {
  const dataDir = join(dir, 'orphan');
  const orphan = await startGatewayProcess({ dataDir });
  const exited = new Promise<void>((r) => orphan.proc.once('exit', () => r()));
  const { sup, next } = supervise([], dataDir);
  const running = next('running');
  sup.start();
  const s = await running;
  await exited;
  assert.equal(orphan.proc.exitCode, 0, 'the orphan was asked to stop, and stopped cleanly');
  assert.equal(
    s.kind === 'running' && s.port,
    orphan.port,
    'terminals of the old session keep their endpoint',
  );
  await sup.dispose();
});

/** A DynamoDB-shaped call: answered by the gateway (its own auth error) or by the stand-in. */
async function dynamoCall(port: number): Promise<{ status: number; type: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.ListTables',
    },
    body: '{}',
    signal: AbortSignal.timeout(5_000),
  });
  const j = (await res.json()) as { __type?: string };
  return { status: res.status, type: j.__type ?? '' };
}

/** The status line a CONNECT (proxy mode) gets. */
function connectStatus(port: number, authority: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', (d: Buffer) => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'))?.[1] ?? 0));
    });
    socket.once('error', reject);
    socket.setTimeout(5_000, () => reject(new Error('no answer to CONNECT')));
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

void test('while the gateway is down its port answers with an error naming Airlock; once back, the gateway answers', async () => {
  const { sup, next } = supervise();
  try {
    await downAndBack(sup, next);
  } finally {
    await sup.dispose();
  }
});

async function downAndBack(
  sup: GatewaySupervisor,
  next: (kind: GatewayState['kind']) => Promise<GatewayState>,
): Promise<void> {
  const running = next('running');
  sup.start();
  const first = await running;
  if (first.kind !== 'running') assert.fail('not running');
  assert.equal(await sup.holdsPort(), false);
  assert.notEqual((await dynamoCall(first.port)).type, STANDIN_CODE, 'the gateway itself answers');

  const restarting = next('restarting');
  const back = next('running');
  process.kill(first.pid, 'SIGKILL');
  await restarting;
  assert.equal(await sup.holdsPort(), true, 'the stand-in holds the port during the back-off');
  const started = Date.now();
  const down = await dynamoCall(first.port);
  assert.deepEqual(down, { status: 400, type: STANDIN_CODE });
  console.log(`call while the gateway was down answered in ${Date.now() - started} ms`);

  const second = await back;
  assert.ok(second.kind === 'running' && second.port === first.port, 'the gateway got its port back');
  assert.equal(await sup.holdsPort(), false);
  const up = await dynamoCall(first.port);
  assert.notEqual(up.type, STANDIN_CODE, 'calls reach the gateway again');
  assert.match(up.type, /MissingAuthenticationToken|InvalidClientTokenId|IncompleteSignature|AccessDenied/);

  // Stopped by the user: the port still answers, and names Airlock.
  await sup.stop();
  assert.deepEqual(await dynamoCall(first.port), { status: 400, type: STANDIN_CODE });
  // Proxy mode too: the stand-in found the gateway's data dir and its leaf for AWS hosts.
  assert.equal(await connectStatus(first.port, 'sts.us-east-1.amazonaws.com:443'), 200);
  assert.equal(await connectStatus(first.port, 'example.com:443'), 503);
  // Disposed (the extension is going away): the port is free.
  await sup.dispose();
  await assert.rejects(dynamoCall(first.port), /fetch failed/);
}
