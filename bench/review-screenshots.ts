/**
 * The timeline's Review tab in the built webview, dark and light, under .test-artifacts/webview/
 * (review-dark.png, review-light.png), with a review the gateway core computes from a generated
 * session; and how long the Review tab takes to show the review of a 100,000-call task (target:
 * under 1 s), from the host's message to the painted tables. Run: `npm run build:webview && node
 * --import tsx bench/review-screenshots.ts`. Fails on page errors or CSP violations.
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { JournalEvent } from '../gateway/journal/events';
import { collectCalls } from '../gateway/review/session-calls';
import { reviewTask } from '../gateway/review/task-review';
import type { HostMessage } from '../webview/src/protocol';
import { generateEvents } from './webview-events';
import {
  launchChromium,
  openHostPage,
  post,
  startHostServer,
  violations,
  type PageGlobals,
} from './webview-host';

const OUT = '.test-artifacts/webview';
const TASK = 't-live';
const T0 = Date.UTC(2026, 10, 22, 13, 2, 11);

/** A scope like one a person writes: wider than the session needs, one grant never used. */
const SCOPE = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Storage',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
      Resource: '*',
    },
    { Sid: 'Orders', Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:*:*:table/orders*' },
    {
      Sid: 'Functions',
      Effect: 'Allow',
      Action: ['lambda:Get*', 'lambda:List*', 'lambda:UpdateFunctionCode'],
      Resource: '*',
    },
    { Sid: 'Secrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
    { Sid: 'Logs', Effect: 'Allow', Action: 'logs:*', Resource: '*' },
    { Sid: 'Identity', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
  ],
};

function session(calls: number): JournalEvent[] {
  const events = generateEvents({ taskId: TASK, calls, seed: 7, startMs: T0 });
  const started = events[0];
  if (started?.type === 'task.started') started.data.scope = SCOPE;
  return events as unknown as JournalEvent[];
}

async function painted(p: Page): Promise<void> {
  await p.evaluate(
    () =>
      new Promise<void>((r) => {
        const g = globalThis as unknown as PageGlobals;
        g.requestAnimationFrame(() => g.setTimeout(r, 0));
      }),
  );
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const server = await startHostServer();
  const browser = await launchChromium();
  const files: string[] = [];
  const problems: string[] = [];
  const small = session(60);
  const review = reviewTask(collectCalls(small));
  let render100k:
    { calls: number; computeMs: number; harnessTransferMs: number; renderMs: number } | undefined;
  try {
    for (const theme of ['dark', 'light'] as const) {
      const page = await openHostPage(browser, server, { theme, surface: 'panel', width: 1360, height: 900 });
      const init: HostMessage = {
        type: 'init',
        protocol: 1,
        mode: 'live',
        theme,
        view: { kind: 'session', taskId: TASK },
        tasks: [],
      };
      await post(page, [init, { type: 'events', taskId: TASK, events: small }]);
      await page.click('[role="tab"]:has-text("Review")');
      await post(page, [{ type: 'review', taskId: TASK, review }]);
      await painted(page);
      const file = `${OUT}/review-${theme}.png`;
      await page.screenshot({ path: file });
      files.push(file);

      if (theme === 'dark') {
        // The review of a 100,000-call task: computed by the host, shown by the webview.
        const big = session(100_000);
        const t = performance.now();
        const bigReview = reviewTask(collectCalls(big));
        const computeMs = performance.now() - t;
        await page.click('[role="tab"]:has-text("Calls")');
        // Into the page first (the harness's own transfer is not the webview's work), then timed
        // from the message to the painted tables.
        const t1 = performance.now();
        await page.evaluate((r) => {
          (globalThis as unknown as { __review: unknown }).__review = r;
        }, bigReview);
        const transferMs = performance.now() - t1;
        await page.click('[role="tab"]:has-text("Review")');
        const renderMs = await page.evaluate(
          async (want) => {
            const g = globalThis as unknown as PageGlobals & {
              __review: unknown;
              performance: { now(): number };
              document: { querySelector(s: string): { textContent: string | null } | null };
            };
            const t = g.performance.now();
            g.postMessage({ type: 'review', taskId: 't-live', review: g.__review }, '*');
            // The new review is on screen when its totals are (the small one was there before).
            for (;;) {
              await new Promise<void>((r) => g.requestAnimationFrame(() => r()));
              const totals = g.document.querySelector('.totals')?.textContent ?? '';
              if (totals.includes(want) && g.document.querySelector('table.used tbody tr')) break;
            }
            await new Promise<void>((r) => g.setTimeout(() => r(), 0));
            return g.performance.now() - t;
          },
          `${bigReview.totals.calls.toLocaleString('en-US')} calls`,
        );
        render100k = {
          calls: bigReview.totals.calls,
          computeMs: Math.round(computeMs),
          harnessTransferMs: Math.round(transferMs),
          renderMs: Math.round(renderMs),
        };
      }
      problems.push(...(await violations(page)));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.stdout.write(
    JSON.stringify(
      {
        files,
        render100k,
        target: { renderMs: '< 1000', met: render100k !== undefined && render100k.renderMs < 1000 },
        cspViolations: problems,
      },
      null,
      2,
    ) + '\n',
  );
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(
    `review screenshots failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
});
