import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AirlockSession, eventually } from './harness/airlock-session';

// One real VS Code for the whole file: the tests run in order and build on each other, as a
// user's session would (start, first call, gateway crash, agent task, end of task).
let s: AirlockSession;

before(async () => {
  s = await AirlockSession.start();
});

after(async () => {
  await s?.stop();
});

const callsOf = async (
  taskId: string,
): Promise<{ operation?: string; service: string; accessKeyId: string }[]> =>
  (await s.journal(taskId)).filter((e) => e.type === 'call.request').map((e) => e.data);

void test('the extension starts the gateway and the status bar shows the workspace task', async () => {
  const item = s.workbench.statusBarItem(/Airlock · Workspace: project/);
  await item.waitFor({ timeout: 30_000 });
  const info = await s.gatewayInfo();
  assert.ok(info.pid > 0 && info.port > 0, 'the gateway wrote gateway.json');
  process.kill(info.pid, 0); // throws if no such process
  const ws = await s.taskNamed('Workspace: project');
  assert.match(ws.taskId, /^t-/);
  await s.workbench.screenshot('status-bar', s.workbench.page.locator('.statusbar'));
});

void test('a workspace terminal runs a real AWS CLI call and it is recorded under the workspace task', async () => {
  const ws = await s.taskNamed('Workspace: project');
  const task = (await s.tasks()).find((t) => t.taskId === ws.taskId) as unknown as { accessKeyId: string };
  await s.workbench.runCommand('Terminal: Create New Terminal');

  const env = await s.runInTerminal('echo "$AWS_ACCESS_KEY_ID|$AWS_ENDPOINT_URL|${AWS_SESSION_TOKEN-unset}"');
  const [keyId, endpoint, token] = env.output.trim().split('|');
  assert.equal(keyId, task.accessKeyId, 'the terminal holds the task key, not the real key');
  assert.notEqual(keyId, s.fake.credentials.accessKeyId);
  assert.equal(endpoint, `http://127.0.0.1:${(await s.gatewayInfo()).port}`);
  assert.equal(token, '', 'AWS_SESSION_TOKEN is emptied');

  const before = s.fake.received.length;
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.equal(r.code, 0, r.output);
  assert.equal((JSON.parse(r.output) as { Arn: string }).Arn, s.fake.callerArn);

  const calls = await callsOf(ws.taskId);
  assert.ok(
    calls.some((c) => c.service === 'sts' && c.operation === 'GetCallerIdentity'),
    JSON.stringify(calls),
  );
  const upstream = s.fake.received.slice(before);
  assert.ok(
    upstream.some(
      (c) => c.service === 'sts' && c.verified === 'ok' && c.accessKeyId === s.fake.credentials.accessKeyId,
    ),
    'upstream got the call re-signed with the real credentials',
  );
  await s.workbench.screenshot('workspace-terminal');
});

void test('killing the gateway process is noticed, and it comes back on the same port', async () => {
  const before = await s.gatewayInfo();
  process.kill(before.pid, 'SIGKILL');
  await s.workbench.statusBarItem(/Airlock · restarting/).waitFor({ timeout: 15_000 });
  await s.workbench.screenshot('status-bar-restarting', s.workbench.page.locator('.statusbar'));
  const after = await eventually('a new gateway', async () => {
    const info = await s.gatewayInfo().catch(() => undefined);
    return info && info.pid !== before.pid ? info : undefined;
  });
  assert.equal(after.port, before.port, 'restarted on the same port, so open terminals keep working');
  await s.workbench.statusBarItem(/Airlock · Workspace: project/).waitFor({ timeout: 15_000 });

  // The terminal opened before the crash still works and still records under the workspace task.
  const ws = await s.taskNamed('Workspace: project');
  const count = (await callsOf(ws.taskId)).length;
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.equal(r.code, 0, r.output);
  assert.equal((await callsOf(ws.taskId)).length, count + 1);
});

void test('starting a named task gives a terminal whose calls are recorded under that task', async () => {
  const wb = s.workbench;
  await wb.runCommand('Airlock: Start Agent Task…');
  await wb.waitForQuickInput(/What is the task for/);
  await wb.answerInput('fix upload lambda');
  await wb.waitForQuickInput(/What may the task do/);
  await wb.pick('unrestricted');
  await wb.waitForQuickInput(/How long may the task run/);
  await wb.pick('1 hour');

  const task = await s.taskNamed('fix upload lambda');
  await eventually('the task terminal', async () =>
    (await wb.terminalNames()).some((n) => n.includes('Airlock: fix upload lambda')) ? true : undefined,
  );
  await wb.statusBarItem(/Airlock · fix upload lambda/).waitFor({ timeout: 10_000 });

  const ws = await s.taskNamed('Workspace: project');
  const wsCalls = (await callsOf(ws.taskId)).length;
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.equal(r.code, 0, r.output);
  const calls = await callsOf(task.taskId);
  assert.equal(calls.length, 1, 'the call is recorded under the named task');
  assert.equal(calls[0]?.operation, 'GetCallerIdentity');
  assert.equal((await callsOf(ws.taskId)).length, wsCalls, 'and not under the workspace task');
  await wb.screenshot('agent-task-terminal');
});

void test('ending the task stops its key at once and the status bar returns to the workspace task', async () => {
  const wb = s.workbench;
  const task = await s.taskNamed('fix upload lambda');
  await wb.runCommand('Airlock: End Task');
  await wb.waitForQuickInput(/Which task has finished/);
  await wb.pick('fix upload lambda');
  await eventually('the task to end', async () =>
    (await s.tasks()).find((t) => t.taskId === task.taskId && t.endedAt) ? true : undefined,
  );
  await wb.statusBarItem(/Airlock · Workspace: project/).waitFor({ timeout: 10_000 });

  // The task terminal is still the active one; its key no longer works.
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.notEqual(r.code, 0, 'the ended task key is refused');
  assert.match(r.output, /ended|expired|not valid|InvalidClientTokenId/i);
});
