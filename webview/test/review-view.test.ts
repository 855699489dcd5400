import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectCalls } from '../../gateway/review/session-calls';
import { reviewTask } from '../../gateway/review/task-review';
import App from '../src/components/App.svelte';
import type { WebviewMessage } from '../src/protocol';
import { AppState } from '../src/state/app-state.svelte';
import { REVIEW_ROWS } from '../src/state/review-state.svelte';
import { ManualFrames } from './support/frames';
import { journal, smallSession, T0 } from './support/journal-events';
import { render, type Rendered } from './support/render';

function mount(): { app: AppState; posted: WebviewMessage[]; ui: Rendered } {
  const posted: WebviewMessage[] = [];
  const app = new AppState((m) => posted.push(m), new ManualFrames());
  const ui = render(App, { app });
  app.start();
  ui.act(() =>
    app.receive({
      type: 'init',
      protocol: 1,
      mode: 'live',
      theme: 'dark',
      view: { kind: 'session', taskId: 't-1' },
      tasks: [],
    }),
  );
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  return { app, posted, ui };
}

function tab(ui: Rendered, name: string): HTMLButtonElement {
  const b = [...ui.target.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find(
    (t) => t.textContent === name,
  );
  assert.ok(b, `tab ${name}`);
  return b;
}

void test('the Review tab asks the host once, then shows the review the gateway core computed', () => {
  const { app, posted, ui } = mount();
  ui.act(() => tab(ui, 'Review').click());
  ui.act(() => tab(ui, 'Calls').click());
  ui.act(() => tab(ui, 'Review').click());
  assert.deepEqual(
    posted.filter((m) => m.type === 'requestReview'),
    [{ type: 'requestReview', taskId: 't-1' }],
  );
  assert.match(ui.target.textContent ?? '', /Reviewing the recorded calls/);
  const review = reviewTask(collectCalls(smallSession()));
  ui.act(() => app.receive({ type: 'review', taskId: 't-1', review }));
  const text = ui.target.querySelector('.review')?.textContent ?? '';
  assert.match(text, new RegExp(`Started by ${review.identity.startedBy ?? 'unknown'}`));
  const judgedRows = ui.target.querySelectorAll('table.judged tbody tr');
  assert.equal(judgedRows.length, review.judged.length);
  assert.ok(review.judged.length > 0);
  assert.equal(ui.target.querySelectorAll('table.used tbody tr').length, review.used.length);
  ui.act(() => ui.target.querySelector<HTMLElement>('.suggest')?.click());
  assert.deepEqual(posted.at(-1), { type: 'suggestPolicy', taskId: 't-1' });
  ui.act(() => ui.target.querySelector<HTMLElement>('.compare')?.click());
  assert.deepEqual(posted.at(-1), { type: 'comparePolicy', taskId: 't-1' });
  ui.destroy();
});

void test('unused grants are marked; new calls make the review offer a refresh; a failure is said', () => {
  const { app, posted, ui } = mount();
  ui.act(() => app.showTab('review'));
  const scoped = journal('t-1', T0, [
    {
      type: 'task.started',
      data: {
        taskId: 't-1',
        name: 'scoped',
        accessKeyId: 'K',
        startedBy: 'dev',
        expiresAt: '2030-01-01T00:00:00Z',
        scope: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'Logs', Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
        },
      },
    },
  ]);
  ui.act(() => app.receive({ type: 'review', taskId: 't-1', review: reviewTask(collectCalls(scoped)) }));
  const unused = ui.target.querySelectorAll('table.grants tr.unused');
  assert.equal(unused.length, 1);
  assert.match(unused[0]?.textContent ?? '', /logs:\*.*never used/);
  assert.equal(ui.target.querySelector('.suggest'), null, 'nothing was allowed: nothing to suggest');
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession().slice(1, 3) }));
  const refresh = [...ui.target.querySelectorAll<HTMLElement>('vscode-button')].find((b) =>
    /refresh/.test(b.textContent ?? ''),
  );
  assert.ok(refresh, 'a refresh is offered');
  ui.act(() => refresh.click());
  assert.equal(posted.filter((m) => m.type === 'requestReview').length, 2);
  ui.act(() => app.receive({ type: 'review', taskId: 't-1', error: 'the journal fails verification' }));
  assert.match(
    ui.target.querySelector('[role="alert"]')?.textContent ?? '',
    /the journal fails verification/,
  );
  const cut = { ...reviewTask(collectCalls(smallSession())), warnings: ['the journal of t-1 ends at seq 9'] };
  ui.act(() => app.receive({ type: 'review', taskId: 't-1', review: cut }));
  assert.match(ui.target.querySelector('[role="alert"]')?.textContent ?? '', /ends at seq 9/);
  ui.destroy();
});

void test('a review of a long task shows the first rows and says how many more there are', () => {
  const { app, ui } = mount();
  ui.act(() => app.showTab('review'));
  const base = reviewTask(collectCalls(smallSession()));
  const first = base.judged[0];
  assert.ok(first);
  const judged = Array.from({ length: REVIEW_ROWS + 50 }, (_, i) => ({ ...first, callId: `c-${i}` }));
  ui.act(() => app.receive({ type: 'review', taskId: 't-1', review: { ...base, judged } }));
  assert.equal(ui.target.querySelectorAll('table.judged tbody tr').length, REVIEW_ROWS);
  assert.match(ui.target.textContent ?? '', /50 more calls/);
  ui.destroy();
});
