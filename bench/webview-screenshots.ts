/**
 * Screenshots of the built timeline in dark and light themes, under .test-artifacts/webview/:
 * the task list (sidebar), a session with the detail pane open on a denied call, a replay in
 * progress, and a bundle (verified and failed). Run: `npm run build:webview && node --import tsx
 * bench/webview-screenshots.ts`. Prints the files, and fails on page errors or CSP violations.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { HostMessage, TaskSummary, TimelineView } from '../webview/src/protocol';
import { generateEvents } from './webview-events';
import {
  launchChromium,
  openHostPage,
  post,
  startHostServer,
  violations,
  type PageGlobals,
} from './webview-host';
import type { HostTheme } from './webview-themes';

const OUT = '.test-artifacts/webview';
const T0 = Date.UTC(2026, 10, 22, 13, 2, 11);

function task(
  taskId: string,
  name: string,
  state: 'active' | 'ended' | 'expired',
  startedMin: number,
  durMin: number,
  counts: Partial<NonNullable<TaskSummary['counts']>>,
  extra: Partial<TaskSummary> = {},
): TaskSummary {
  const startedAt = new Date(T0 - startedMin * 60_000).toISOString();
  return {
    task: {
      taskId,
      name,
      accessKeyId: 'AKIAAIRLOCKEXAMPLE01',
      startedBy: 'dev',
      agent: 'claude-code',
      startedAt,
      expiresAt: new Date(T0 + 8 * 3600_000).toISOString(),
      ...(state === 'active' ? {} : { endedAt: new Date(T0 - (startedMin - durMin) * 60_000).toISOString() }),
      state,
    },
    counts: {
      calls: 0,
      allowed: 0,
      denied: 0,
      approved: 0,
      pending: 0,
      masked: 0,
      refused: 0,
      failed: 0,
      ...counts,
    },
    ...extra,
  };
}

const TASKS: TaskSummary[] = [
  task(
    't-live',
    'refactor orders export',
    'active',
    0,
    0,
    { calls: 61, allowed: 55, denied: 3, approved: 1, pending: 1, masked: 2, failed: 2 },
    { lastEventAt: new Date(T0 + 64_000).toISOString() },
  ),
  task('t-migrate', 'migrate lambda to arm64', 'ended', 95, 41, {
    calls: 1204,
    allowed: 1187,
    denied: 12,
    approved: 4,
    masked: 9,
    refused: 1,
  }),
  task('t-cleanup', 'clean up test buckets', 'expired', 300, 480, { calls: 88, allowed: 70, denied: 18 }),
  task(
    't-bundle',
    'incident 4711 investigation',
    'ended',
    2900,
    23,
    { calls: 342, allowed: 330, denied: 5, approved: 2, masked: 14 },
    {
      imported: {
        signer: {
          fingerprint: 'SHA256:q8Jx1dE3k0pV7yTz2mN4rW6sB9cF5hL1aG0uK3oX8eQ',
          name: 'alice@example.com',
          verified: true,
        },
        file: 'incident-4711.airlock',
      },
    },
  ),
];

async function shot(p: Page, name: string): Promise<string> {
  await p.evaluate(
    () =>
      new Promise<void>((r) => {
        const g = globalThis as unknown as PageGlobals;
        g.requestAnimationFrame(() => g.setTimeout(r, 50));
      }),
  );
  const file = `${OUT}/${name}.png`;
  await p.screenshot({ path: file });
  return file;
}

function init(view: TimelineView, theme: HostTheme, mode: 'live' | 'bundle' = 'live'): HostMessage {
  return { type: 'init', protocol: 1, mode, theme, view, tasks: TASKS };
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const server = await startHostServer();
  const browser = await launchChromium();
  const files: string[] = [];
  const problems: string[] = [];
  const events = generateEvents({ taskId: 't-live', calls: 60, seed: 7, pendingAtEnd: true, startMs: T0 });
  const secret = events.find((e) => e.type === 'call.request' && e.data.service === 'secretsmanager');
  const denied = [...events]
    .reverse()
    .find((e) => e.type === 'call.decision' && e.data.decision === 'deny' && !e.data.approvalId);
  try {
    for (const theme of ['dark', 'light'] as const) {
      const side = await openHostPage(browser, server, {
        theme,
        surface: 'sidebar',
        width: 360,
        height: 560,
      });
      await post(side, [init({ kind: 'tasks' }, theme)]);
      files.push(await shot(side, `tasks-${theme}`));
      problems.push(...(await violations(side)));
      await side.close();

      const panel = await openHostPage(browser, server, {
        theme,
        surface: 'panel',
        width: 1360,
        height: 820,
      });
      await post(panel, [
        init({ kind: 'session', taskId: 't-live' }, theme),
        { type: 'events', taskId: 't-live', events },
      ]);
      // As from an approval notification's "Details": select the call and scroll to it.
      await post(panel, [{ type: 'reveal', taskId: 't-live', callId: String(denied?.data.callId) }]);
      await panel.click(`[data-call-id="${String(denied?.data.callId)}"]`);
      files.push(await shot(panel, `session-detail-${theme}`));
      // A call whose response had a secret: the masked placeholder marked in the pretty-printed body.
      await post(panel, [{ type: 'reveal', taskId: 't-live', callId: String(secret?.data.callId) }]);
      await panel.evaluate(() => {
        const g = globalThis as unknown as {
          document: { querySelector(s: string): { scrollTop: number } | null };
        };
        const pane = g.document.querySelector('.detail');
        if (pane) pane.scrollTop = 10_000;
      });
      files.push(await shot(panel, `session-masked-${theme}`));
      // A replay stopped a third of the way in: later calls dimmed, the playhead on the axis.
      await panel.keyboard.press('Escape');
      for (let i = 0; i < 20; i++) await panel.click('vscode-toolbar-button.step-next');
      files.push(await shot(panel, `session-replay-${theme}`));
      problems.push(...(await violations(panel)));
      await panel.close();

      const bundle = await openHostPage(browser, server, {
        theme,
        surface: 'panel',
        width: 1360,
        height: 820,
      });
      await post(bundle, [
        init({ kind: 'session', taskId: 't-live' }, theme, 'bundle'),
        { type: 'events', taskId: 't-live', events },
        {
          type: 'bundleVerification',
          taskId: 't-live',
          verification: {
            state: 'verified',
            fingerprint: 'SHA256:q8Jx1dE3k0pV7yTz2mN4rW6sB9cF5hL1aG0uK3oX8eQ',
            signer: 'alice@example.com',
            exportedAt: new Date(T0 + 3600_000).toISOString(),
          },
        },
      ]);
      files.push(await shot(bundle, `bundle-verified-${theme}`));
      await post(bundle, [
        {
          type: 'bundleVerification',
          taskId: 't-live',
          verification: {
            state: 'failed',
            code: 'ChainBroken',
            message:
              'event 17 (call.response of c-0000f) does not hash to the prev of event 18: the recording was changed after signing',
          },
        },
      ]);
      files.push(await shot(bundle, `bundle-failed-${theme}`));
      problems.push(...(await violations(bundle)));
      await bundle.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.stdout.write(JSON.stringify({ files, cspViolations: problems }, null, 2) + '\n');
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
