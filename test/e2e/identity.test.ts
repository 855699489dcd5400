import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { ROLE_ARN } from '../support/oidc-stack';
import { startTestIdp, type TestIdp } from '../support/oidc-provider';
import { scriptedSignIn } from '../support/scripted-browser';
import { AirlockSession, eventually } from './harness/airlock-session';

// OIDC mode in a real VS Code: "Airlock: Sign In" against a real OpenID provider (oidc-provider,
// in this process), the account in the status bar and the Accounts menu, a task started by the
// signed-in person, a call re-signed with that task's own STS session (the fake STS verifies the
// ID token against the IdP's keys; the verifying front checks the signature), and the person in
// the timeline. The tests build on each other as a user's session would.
let idp: TestIdp;
let s: AirlockSession;
const EMAIL = 'alice@example.test';

before(async () => {
  idp = await startTestIdp();
  s = await AirlockSession.start({
    webIdentity: { issuer: idp.issuer, audience: idp.clientId, roleArn: ROLE_ARN },
    policy: {
      version: 1,
      askRules: [
        {
          id: 'ask-create-queue',
          reason: 'queues cost money',
          actions: ['sqs:CreateQueue'],
          approvers: ['group:platform-admins'],
        },
      ],
    },
    settings: {
      'airlock.oidc.issuer': idp.issuer,
      'airlock.oidc.clientId': idp.clientId,
      'airlock.oidc.roleArn': ROLE_ARN,
    },
  });
});

after(async () => {
  await s?.stop();
  await idp?.close();
});

async function failWithLog(what: string, e: unknown): Promise<never> {
  await s.workbench.screenshot(`identity-failed-${what}`);
  throw new Error(
    `${(e as Error).message}\n--- Airlock log (end) ---\n${(await s.extensionLog()).split('\n').slice(-25).join('\n')}`,
  );
}

void test('Sign In: the device flow is completed in "the browser"; the account shows in the status bar and the Accounts menu', async () => {
  const wb = s.workbench;
  await wb.statusBarItem(/Airlock · Workspace: project.*signed out/).waitFor({ timeout: 30_000 });
  // The browser flow would open the IdP through openExternal: a new page in this browser.
  const opened: string[] = [];
  wb.page.context().on('page', (p) => opened.push(p.url()));
  await wb.runCommand('Airlock: Sign In');
  // VS Code asks before an extension signs in with a provider, as it would ask the user.
  await wb.page
    .locator('.monaco-dialog-box .monaco-button', { hasText: /^Allow$/ })
    .click({ timeout: 15_000 })
    .catch((e: unknown) => failWithLog('consent', e));
  const prompt = await eventually('a device code or a browser sign-in', async () => {
    for (const t of await wb.toastTexts()) {
      const m = /enter (\S+) at (\S+)/.exec(t);
      if (m) return { kind: 'device' as const, userCode: m[1]!, url: m[2]! };
    }
    const url = opened.find((u) => u.startsWith(idp.issuer));
    return url ? { kind: 'browser' as const, url } : undefined;
  }).catch((e: unknown) => failWithLog('prompt', e));
  // code-server is a remote window (its extension host is not on the user's machine): device flow.
  assert.equal(prompt.kind, 'device', `the sign-in prompt: ${JSON.stringify(prompt)}`);
  const done = await scriptedSignIn(prompt.url, 'alice', { userCode: prompt.userCode });
  assert.equal(done.status, 200, done.body);

  await wb
    .statusBarItem(new RegExp(`Airlock · Workspace: project.*${EMAIL.replace('.', '\\.')}`))
    .waitFor({ timeout: 30_000 })
    .catch((e: unknown) => failWithLog('status-bar', e));
  await wb.toast(`Airlock: signed in as ${EMAIL}.`).waitFor({ timeout: 10_000 });
  const who = await s.control<{ state: string; identity?: { email?: string } }>('GET', '/identity');
  assert.equal(who.json.state, 'signed-in');
  assert.equal(who.json.identity?.email, EMAIL);

  // The Accounts menu lists the Airlock account.
  await wb.page.locator('.activitybar [aria-label^="Accounts"]').first().click();
  await wb.page
    .locator('.context-view .action-label, .monaco-menu .action-label')
    .filter({ hasText: EMAIL })
    .first()
    .waitFor({ timeout: 10_000 })
    .catch((e: unknown) => failWithLog('accounts-menu', e));
  await wb.screenshot('identity-accounts-menu');
  await wb.page.keyboard.press('Escape');
});

let taskId = '';

void test('a task started while signed in names the person; its call goes out on the task session', async () => {
  const wb = s.workbench;
  await wb.runCommand('Airlock: Start Agent Task…');
  await wb.waitForQuickInput(/What is the task for/);
  await wb.answerInput('rotate queue keys');
  await wb.waitForQuickInput(/What may the task do/);
  await wb.pick('unrestricted');
  await wb.waitForQuickInput(/How long may the task run/);
  await wb.pick('1 hour');
  const task = await s.taskNamed('rotate queue keys');
  taskId = task.taskId;
  await wb.statusBarItem(/Airlock · rotate queue keys/).waitFor({ timeout: 10_000 });
  await eventually('the task terminal', async () =>
    (await wb.terminalNames()).some((n) => n.includes('Airlock: rotate queue keys')) ? true : undefined,
  );

  s.fake.reset();
  const r = await s.runInTerminal('aws sqs list-queues --output json');
  assert.equal(r.code, 0, await s.explain(r));
  const sqs = s.fake.received.filter((c) => c.service === 'sqs');
  assert.equal(sqs.at(-1)?.verified, 'ok');
  const sts = s.fake.webIdentitySts!;
  const session = sts.taskSessions.find((t) => t.roleSessionName.includes(taskId));
  assert.ok(
    session,
    `an AssumeRole for the task: ${JSON.stringify(sts.taskSessions.map((t) => t.roleSessionName))}`,
  );
  assert.equal(session.sourceIdentity, EMAIL);
  assert.equal(sqs.at(-1)?.accessKeyId, session.issued.accessKeyId, 're-signed with the task session');

  const started = (await s.journal(taskId)).find((e) => e.type === 'task.started');
  assert.equal((started?.data as { startedBy?: string }).startedBy, EMAIL);
});

/** The webview frame (two iframes deep) whose page shows `selector`. */
async function webview(selector: string): Promise<Frame> {
  return eventually(`a webview showing ${selector}`, async () => {
    for (const f of s.workbench.page.frames())
      if (
        (await f
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return f;
    return undefined;
  }).catch((e: unknown) => failWithLog('webview', e));
}

void test('the timeline names the person who started the task and made the call, and copies the CloudTrail command', async () => {
  const wb = s.workbench;
  if (await wb.page.locator('.part.panel').isVisible()) await wb.runCommand('View: Hide Panel');
  await wb.runCommand('Airlock: Open Timeline');
  const f = await webview('.session-header');
  const header = f.locator('.session-header');
  await header.getByText('rotate queue keys').waitFor({ timeout: 15_000 });
  await header.locator('.who', { hasText: `started by ${EMAIL}` }).waitFor({ timeout: 15_000 });
  const call = f.locator('.row').filter({ hasText: 'ListQueues' }).first();
  await call.waitFor({ timeout: 15_000 });
  await call.click();
  const detail = f.locator('section.detail');
  await detail.waitFor();
  assert.match(await detail.innerText(), new RegExp(`Identity\\s+${EMAIL.replace('.', '\\.')}`));
  await wb.screenshot('identity-timeline');

  // The task's own STS session: CloudTrail can find its calls, and the header offers the command.
  await header.locator('.trail').click();
  await wb
    .statusBarItem(/Copied \d CloudTrail lookup-events commands/)
    .waitFor({ timeout: 10_000 })
    .catch((e: unknown) => failWithLog('copy-trail', e));
});

void test('an approval is decided by the signed-in person: the prompt and the timeline say who asked and who approved', async () => {
  const wb = s.workbench;
  await wb.runCommand('Terminal: Focus Terminal');
  const run = await s.startInTerminal('aws sqs create-queue --queue-name e2e-identity --output json');
  await wb
    .toast(/wants to/)
    .waitFor({ timeout: 30_000 })
    .catch((e: unknown) => failWithLog('approval-toast', e));
  // The prompt names who asks: the task and the person who started it.
  const prompt = (await wb.toastTexts()).find((t) => /wants to/.test(t)) ?? '';
  assert.match(prompt, new RegExp(`Task "rotate queue keys" · ${EMAIL.replace('.', '\\.')}`));
  await wb.clickInToast(/wants to/, 'Approve');
  const r = await run.done;
  assert.equal(r.code, 0, await s.explain(r));

  const decided = (await s.journal(taskId)).find((e) => e.type === 'approval.decided');
  const d = decided?.data as {
    decidedBy?: string;
    decidedByIdentity?: { email?: string; groups?: string[] };
  };
  assert.equal(d.decidedBy, EMAIL);
  assert.equal(d.decidedByIdentity?.email, EMAIL);
  assert.deepEqual(d.decidedByIdentity?.groups, ['platform-admins']);

  if (await wb.page.locator('.part.panel').isVisible()) await wb.runCommand('View: Hide Panel');
  await wb.runCommand('Airlock: Open Timeline');
  const f = await webview('.session-header');
  const call = f.locator('.row').filter({ hasText: 'CreateQueue' }).first();
  await call.waitFor({ timeout: 15_000 });
  await call.click();
  const detail = f.locator('section.detail');
  await detail.getByText(`by ${EMAIL}`).first().waitFor({ timeout: 15_000 });
  const text = await detail.innerText();
  assert.match(text, new RegExp(`Outcome\\s+approved once by ${EMAIL.replace('.', '\\.')}`));
  assert.match(text, new RegExp(`Identity\\s+${EMAIL.replace('.', '\\.')}`), 'who asked');
  await wb.screenshot('identity-approval');
});
