import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AirlockSession } from './harness/airlock-session';

// VS Code opened on no folder: no workspace storage, no workspace policy; Airlock still records.
let s: AirlockSession;

before(async () => {
  s = await AirlockSession.start({ noFolder: true });
});

after(async () => {
  await s?.stop();
});

void test('with no folder open the gateway keeps its data in global storage and terminals still record', async () => {
  await s.workbench.statusBarItem(/Airlock · Workspace: \(no folder\)/).waitFor({ timeout: 30_000 });
  assert.match(await s.dataDir(), /globalStorage/);
  const task = await s.taskNamed('Workspace: (no folder)');
  await s.workbench.runCommand('Terminal: Create New Terminal');
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.equal(r.code, 0, await s.explain(r));
  const calls = (await s.journal(task.taskId)).filter((e) => e.type === 'call.request');
  assert.equal(calls.length, 1);
});

void test('commands that need a folder say so; export still offers the recorded tasks', async () => {
  await s.workbench.runCommand('Airlock: Open Workspace Policy');
  await s.workbench.toast(/open a folder first/).waitFor({ timeout: 10_000 });
  // Recordings live in global storage without a folder, so they can still be exported.
  await s.workbench.runCommand('Airlock: Export Session Bundle…');
  await s.workbench.waitForQuickInput(/Which task’s session should be exported/);
  assert.equal(await s.workbench.quickInputRow(/Workspace: \(no folder\)/).count(), 1);
  await s.workbench.screenshot('no-folder');
  await s.workbench.dismissQuickInput();
});
