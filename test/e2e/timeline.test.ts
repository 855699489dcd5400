import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import type { Frame } from 'playwright-core';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import { packBundle } from '../support/bundle-forge';
import { AirlockSession, eventually } from './harness/airlock-session';

// The timeline in a real VS Code: the Tasks view, a live session panel fed by real AWS CLI calls,
// replay, a denied call with its rule, a masked secret, and bundles in the custom editor. One
// VS Code for the file; the tests build on each other as a user's session would.
const POLICY = {
  version: 1,
  denyRules: [
    {
      id: 'deny-bucket-deletes',
      reason: 'buckets are deleted by Terraform only',
      actions: ['s3:DeleteBucket'],
    },
  ],
};

let s: AirlockSession;
let bundleFile: string;

before(async () => {
  s = await AirlockSession.start({
    policy: POLICY,
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
});

after(async () => {
  await s?.stop();
});

/** The webview frame (two iframes deep) whose page shows `selector`. */
async function webview(selector: string, timeoutMs = 30_000, unless?: string): Promise<Frame> {
  return waitForFrame(selector, timeoutMs, unless).catch(async (e: unknown) => {
    // What was on screen instead, and what the extension said, for whoever reads the failure.
    await s.workbench.screenshot(`timeline-failed-${selector.replace(/[^a-z]+/gi, '-')}`);
    throw new Error(
      `${(e as Error).message}\n--- Airlock log (end) ---\n${(await s.extensionLog()).split('\n').slice(-15).join('\n')}`,
    );
  });
}

async function waitForFrame(selector: string, timeoutMs: number, unless?: string): Promise<Frame> {
  return eventually(
    `a webview showing ${selector}`,
    async () => {
      for (const f of s.workbench.page.frames())
        if (
          (await f
            .locator(selector)
            .count()
            .catch(() => 0)) > 0 &&
          (!unless ||
            (await f
              .locator(unless)
              .count()
              .catch(() => 1)) === 0)
        )
          return f;
      return undefined;
    },
    timeoutMs,
  );
}

/** What a page evaluation sees (no DOM lib here). */
interface PageDom {
  document: { documentElement: { outerHTML: string } };
}

/** Every frame's DOM (markup and text), for what must never be on screen. */
async function allDom(): Promise<string> {
  const parts = await Promise.all(
    s.workbench.page
      .frames()
      .map((f) =>
        f
          .evaluate(() => (globalThis as unknown as PageDom).document.documentElement.outerHTML)
          .catch(() => ''),
      ),
  );
  return parts.join('\n');
}

/** The live session panel (bundle editors show a replay bar too, under their banner). */
const session = (): Promise<Frame> => webview('.replay', 30_000, '.banner');
const row = (f: Frame, text: string | RegExp) => f.locator('.row').filter({ hasText: text }).first();

/** A whole-window screenshot with the terminal panel put away, as a user would look at it. */
async function shot(name: string): Promise<string> {
  if (await s.workbench.page.locator('.part.panel').isVisible())
    await s.workbench.runCommand('View: Hide Panel');
  await s.workbench.page.waitForTimeout(500); // the webview repaints at its new size
  return s.workbench.screenshot(name);
}

/** The Tasks view (the activity-bar icon toggles, so through its focus command). */
async function tasksView(): Promise<Frame> {
  await s.workbench.runCommand('Airlock: Focus on Tasks View');
  return webview('[aria-label="Airlock tasks, newest first"]');
}

/** Opens a workspace file by name through Quick Open, once the file search has found it. */
async function openFile(name: string): Promise<void> {
  await s.workbench.runCommand('Go to File...');
  await s.workbench.page.keyboard.type(name);
  await s.workbench.pick(name);
}

async function inTerminal(command: string): Promise<{ code: number; output: string }> {
  await s.workbench.runCommand('Terminal: Focus Terminal');
  return s.runInTerminal(command);
}

async function gatewayRunning(): Promise<void> {
  await s.workbench.statusBarItem(/Airlock · Workspace: project/).waitFor({ timeout: 30_000 });
}

void test('the Tasks view in the Airlock container lists the workspace task', async () => {
  await gatewayRunning();
  const list = await tasksView();
  await list.locator('.task .name', { hasText: 'Workspace: project' }).waitFor({ timeout: 20_000 });
});

void test('a real AWS CLI call made in a terminal appears live in the session timeline', async () => {
  // Opened from the task list: the session panel of that task.
  const list = await tasksView();
  await list.locator('.task', { hasText: 'Workspace: project' }).first().click();
  const f = await session();
  // A mark in the page: if it survives, the call arrived by a live message, not a reload.
  await f.evaluate(() => ((globalThis as unknown as { airlockMark: number }).airlockMark = 42));
  await s.workbench.runCommand('Terminal: Create New Terminal');
  const r = await s.runInTerminal('aws sts get-caller-identity --output json');
  assert.equal(r.code, 0, await s.explain(r));
  await row(f, 'GetCallerIdentity').waitFor({ timeout: 15_000 });
  assert.equal(await f.evaluate(() => (globalThis as unknown as { airlockMark?: number }).airlockMark), 42);
});

void test('a denied call shows as denied with its rule id', async () => {
  const r = await inTerminal('aws s3api delete-bucket --bucket old-logs');
  assert.notEqual(r.code, 0, 'the gateway refused it');
  const f = await session();
  const denied = row(f, 'DeleteBucket');
  await denied.waitFor({ timeout: 15_000 });
  assert.match((await denied.getAttribute('class')) ?? '', /\bo-denied\b/);
  await denied.click();
  const detail = f.locator('section.detail');
  await detail.waitFor();
  const text = await detail.innerText();
  assert.match(text, /denied/i);
  assert.match(text, /rule\s+deny-bucket-deletes/);
  assert.match(text, /Terraform only/);
});

void test('a masked secret: its placeholder is shown, the secret itself never reaches the webview', async () => {
  const secret = s.fake.planted.secretValue;
  const r = await inTerminal(
    `aws secretsmanager get-secret-value --secret-id ${s.fake.planted.secretName} --output json`,
  );
  assert.equal(r.code, 0, await s.explain(r));
  assert.ok(!r.output.includes(secret), 'the agent got a placeholder too');
  const f = await session();
  const call = row(f, 'GetSecretValue');
  await call.waitFor({ timeout: 15_000 });
  await call.click();
  const detail = f.locator('section.detail');
  await detail
    .getByText(/«airlock:masked:/)
    .first()
    .waitFor({ timeout: 15_000 });
  const dom = await allDom();
  assert.match(dom, /«airlock:masked:/);
  assert.ok(!dom.includes(secret), 'the canary is nowhere in any frame');
  await shot('timeline-session-detail-dark');
  await detail
    .getByText(/«airlock:masked:/)
    .first()
    .scrollIntoViewIfNeeded();
  await shot('timeline-session-masked-dark');
});

void test('replay steps through the recorded session and play moves the selection', async () => {
  const f = await session();
  const selected = async (): Promise<string | null> =>
    f.locator('.row.active').first().getAttribute('data-call-id');
  const ids = await f.locator('.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-call-id')));
  assert.equal(ids.length, 3);
  const at = async (i: number): Promise<void> => {
    await eventually(
      `call ${i + 1} selected`,
      async () => ((await selected()) === ids[i] ? true : undefined),
      10_000,
    );
  };
  // Resting at the end, the first step forward starts over at the first call.
  await f.locator('.step-next').click();
  await at(0);
  await f.locator('.step-next').click();
  await at(1);
  await f.locator('.step-back').click();
  await at(0);
  // Play from there: the replay walks on to the next call in the session's own rhythm.
  await f.locator('.play').click();
  await at(1);
});

void test('an exported bundle opens in the custom editor, verified, with its signer', async () => {
  const ws = await s.taskNamed('Workspace: project');
  bundleFile = join(s.workspace, 'session.airlock');
  // The task list's export button runs airlock.exportBundle with the task; then the save dialog.
  const list = await tasksView();
  await shot('timeline-tasks-dark');
  await list.locator('.task', { hasText: 'Workspace: project' }).first().hover();
  await list.locator('.task', { hasText: 'Workspace: project' }).locator('.export').first().click();
  await s.workbench.answerFileDialog(bundleFile);
  const v = await eventually('the exported bundle', async () => {
    const buf = await readFile(bundleFile).catch(() => undefined);
    return buf ? verifyBundle(buf) : undefined;
  });
  assert.ok(v.ok, 'the bundle verifies');
  await s.workbench.clickInToast(/exported \d+ events/, 'Open Bundle');
  assert.equal(v.header.task.taskId, ws.taskId);
  const f = await webview('.banner.verified');
  const banner = await f.locator('.banner.verified').innerText();
  assert.match(banner, /Verified/);
  assert.equal(
    await f.locator(`.banner.verified code[title="${v.fingerprint}"]`).count(),
    1,
    'the signer key',
  );
  await row(f, 'GetCallerIdentity').waitFor();
  // The workspace task was still running when exported: the bundle says so, not "active".
  assert.match(await f.locator('.session-header .state').innerText(), /running at export/i);
  await shot('timeline-bundle-verified-dark');
});

void test('a tampered copy opens with the failure banner saying what failed', async () => {
  const buf = await readFile(bundleFile);
  const nl = buf.indexOf(0x0a);
  const text = zlib.gunzipSync(buf.subarray(nl + 1)).toString();
  // An event edited (not the header, whose carried review may name the same operation).
  const [header = '', ...events] = text.slice(0, -1).split('\n');
  const tampered = [
    header,
    ...events.join('\n').replace('"operation":"DeleteBucket"', '"operation":"DeleteBucker"').split('\n'),
  ];
  assert.notEqual(tampered.join('\n'), text.slice(0, -1), 'an event was edited');
  // Re-packed in the exporter's own gzip framing, so the edit is the only difference.
  await writeFile(
    join(s.workspace, 'tampered.airlock'),
    packBundle(buf.subarray(0, nl).toString(), tampered),
  );
  await openFile('tampered.airlock');
  const f = await webview('.banner.failed');
  const banner = await f.locator('.banner.failed').innerText();
  assert.match(banner, /Verification failed: edited-event/);
  assert.match(banner, /edited event: seq \d+ was changed/);
  await shot('timeline-bundle-tampered-dark');
});

void test('light theme: the same three surfaces', async () => {
  await s.workbench.runCommand('Preferences: Color Theme');
  await s.workbench.waitForQuickInput(/theme/i);
  await s.workbench.answerInput('Light Modern');
  await s.workbench.page.locator('.monaco-workbench.vs').waitFor({ timeout: 10_000 });
  // The webview is told (a `theme` message): its app root switches class without a reload.
  const tampered = await webview('.banner.failed');
  await tampered.locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await shot('timeline-bundle-tampered-light');

  await openFile('session.airlock');
  await (await webview('.banner.verified')).locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await shot('timeline-bundle-verified-light');

  await s.workbench.runCommand('Airlock: Open Timeline');
  const f = await session();
  await f.locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await row(f, 'DeleteBucket').click();
  await f.locator('section.detail').waitFor();
  await shot('timeline-session-detail-light');

  const list = await tasksView();
  await list.locator('.app.theme-light').waitFor({ timeout: 10_000 });
  await shot('timeline-tasks-light');
});
