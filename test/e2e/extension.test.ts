import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AirlockSession, eventually } from './harness/airlock-session';

// One real VS Code for the whole file: the tests run in order and build on each other, as a
// user's session would (start, first call, gateway crash, agent task, end of task).
let s: AirlockSession;

before(async () => {
  // As a new user's editor starts (a Welcome page): Airlock's walkthrough opens at its first run.
  s = await AirlockSession.start({ settings: { 'workbench.startupEditor': 'welcomePage' } });
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
  // A first run opens Airlock's walkthrough by itself (no command was run).
  await s.workbench.page
    .locator('.getting-started-step', { hasText: 'The gateway is already running' })
    .waitFor({ timeout: 15_000 });
  await s.workbench.screenshot('walkthrough-first-run');
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
  assert.equal(r.code, 0, await s.explain(r));
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
  assert.equal(r.code, 0, await s.explain(r));
  assert.equal((await callsOf(ws.taskId)).length, count + 1);
});

void test('starting a named task gives a terminal whose calls are recorded under that task', async () => {
  const wb = s.workbench;
  await wb.runCommand('Airlock: Start Agent Task…');
  await wb.waitForQuickInput(/What is the task for/);
  await wb.answerInput('fix upload lambda');
  await wb.waitForQuickInput(/What may the task do/);
  // Templates of the policy in force: with no file, the gateway's built-in one.
  await wb.quickInputRow('read-only').waitFor({ timeout: 5_000 });
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
  assert.equal(r.code, 0, await s.explain(r));
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

void test('Open Timeline shows the current task’s recorded calls in its session panel', async () => {
  const wb = s.workbench;
  await wb.runCommand('Airlock: Open Timeline');
  await wb.page
    .locator('.tab.active')
    .filter({ hasText: 'Airlock: Workspace: project' })
    .waitFor({ timeout: 15_000 });
  // The session is a webview (two iframes deep); its call list names the CLI call made earlier.
  await eventually('the session panel listing GetCallerIdentity', async () => {
    for (const f of wb.page.frames())
      if (
        (await f
          .locator('.row')
          .filter({ hasText: 'GetCallerIdentity' })
          .count()
          .catch(() => 0)) > 0
      )
        return true;
    return undefined;
  });
  await wb.screenshot('timeline-from-command');
});

void test('the walkthrough takes a new user from the gateway to a first recorded call', async () => {
  const wb = s.workbench;
  await wb.runCommand('Welcome: Open Walkthrough...');
  await wb.pick(/Get started with Airlock/);
  const steps = wb.page.locator('.getting-started-step');
  await steps.filter({ hasText: 'The gateway is already running' }).waitFor({ timeout: 15_000 });
  const titles = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(titles, [
    'The gateway is already running',
    'Make a first recorded call',
    'See what was recorded',
    'Give agents a task and a policy',
  ]);
  // Each step is ticked by what happened in the tests before (gateway up, a call recorded, the
  // timeline shown, a task started), none by a click on the step's button.
  await eventually('every walkthrough step ticked', async () => {
    const done = await steps.evaluateAll((els) =>
      els.map(
        (e) =>
          e.classList.contains('complete') ||
          e.querySelector('.codicon-getting-started-step-checked, .codicon-pass-filled') !== null,
      ),
    );
    return done.length === 4 && done.every(Boolean) ? true : undefined;
  });
  await wb.screenshot('walkthrough');
});

// Last: it restarts the gateway with the new policy file and then breaks the file on purpose.
void test('Open Workspace Policy creates .airlock/policy.json from the default, validated by the schema', async () => {
  const wb = s.workbench;
  const before = await s.gatewayInfo();
  await wb.runCommand('Airlock: Open Workspace Policy');
  await wb.page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: 'Create Policy' }).click();
  const file = join(s.workspace, '.airlock', 'policy.json');
  const policy = await eventually(
    'the policy file',
    async () =>
      (JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as {
        askRules?: { id: string }[];
      } | null) ?? undefined,
  );
  assert.ok(policy.askRules?.some((r) => r.id === 'ask-iam-writes'));
  await wb.page.locator('.tab.active').filter({ hasText: 'policy.json' }).waitFor({ timeout: 10_000 });
  // The new file is handed to a restarted gateway, which runs with it.
  await eventually('a gateway restarted with the policy file', async () => {
    const info = await s.gatewayInfo().catch(() => undefined);
    return info && info.pid !== before.pid ? info : undefined;
  });
  await wb.statusBarItem(/Airlock · Workspace: project/).waitFor({ timeout: 20_000 });

  // The schema comes from the extension's jsonValidation contribution.
  await writeFile(file, JSON.stringify({ ...policy, outOfScope: 'maybe' }, null, 2));
  await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  await wb.page
    .locator('.markers-panel')
    .filter({ hasText: /Value is not accepted/ })
    .waitFor({ timeout: 20_000 });
  await wb.screenshot('policy-schema-problem');

  // A valid file whose pattern matches no AWS action: Airlock's own warning, on its line.
  const typo = {
    ...policy,
    denyRules: [{ id: 'no-org', reason: 'org changes', actions: ['organisations:Atach*'] }],
  };
  await writeFile(file, JSON.stringify(typo, null, 2));
  await wb.page
    .locator('.markers-panel')
    .filter({
      hasText: /no AWS service has the IAM prefix "organisations" \(did you mean "organizations"\?\)/,
    })
    .waitFor({ timeout: 20_000 });
  await wb.screenshot('policy-unknown-action-warning');
});
