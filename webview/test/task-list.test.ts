import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallSession } from './support/journal-events';
import { mountApp, summary } from './support/mount-app';
import { key } from './support/render';

void test('the task list shows tasks newest first with their counts, and opens one on click or Enter', () => {
  const { ui, posted } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'tasks' },
    tasks: [
      summary('t-old', 'old task', '2026-11-20T10:00:00Z'),
      summary('t-new', 'new task', '2026-11-22T10:00:00Z', {
        imported: {
          signer: {
            fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789',
            name: 'alice',
            verified: true,
          },
        },
      }),
    ],
  });
  const items = [...ui.target.querySelectorAll<HTMLElement>('[role="option"]')];
  assert.deepEqual(
    items.map((i) => i.querySelector('.name')?.textContent),
    ['Imported: new task', 'old task'],
  );
  assert.match(items[0]!.textContent, /12 calls\s+2 denied\s+1 approved\s+3 masked/);
  assert.match(items[0]!.querySelector('.signer')!.textContent, /signed by\s+alice\s+abcdefgh…23456789/);
  assert.match(items[0]!.getAttribute('aria-label')!, /imported bundle signed by alice/);
  ui.act(() => items[1]!.click());
  const list = ui.target.querySelector('[role="listbox"]')!;
  ui.act(() => key(list, 'ArrowUp'));
  ui.act(() => key(list, 'Enter'));
  assert.deepEqual(posted.slice(1), [
    { type: 'openTask', taskId: 't-old' },
    { type: 'openTask', taskId: 't-new' },
  ]);
  ui.destroy();
});

void test("a running task's duration keeps counting while nothing is recorded", (t) => {
  const started = Date.parse('2026-11-22T10:00:00Z');
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: started + 15_000 });
  const running = summary('t-run', 'running task', '2026-11-22T10:00:00Z');
  const { ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'tasks' },
    tasks: [{ ...running, task: { ...running.task, endedAt: undefined, state: 'active' } }],
  });
  const text = (): string => ui.target.querySelector('[role="option"]')!.textContent;
  assert.match(text(), /running 15(\.0)? s/);
  ui.act(() => t.mock.timers.tick(3000));
  assert.match(text(), /running 18(\.0)? s/);
  ui.destroy();
});

void test('an imported bundle of a task that was running at export reads so, and does not tick', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.parse('2026-11-25T10:00:00Z') });
  const s = summary('t-snap', 'snapshot', '2026-11-22T10:00:00Z', {
    lastEventAt: '2026-11-22T10:00:20Z',
    imported: { signer: { fingerprint: 'SHA256:abc', verified: true } },
  });
  const { ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'tasks' },
    tasks: [{ ...s, task: { ...s.task, endedAt: undefined, state: 'active' } }],
  });
  const item = (): HTMLElement => ui.target.querySelector<HTMLElement>('[role="option"]')!;
  assert.match(item().textContent, /imported/);
  assert.match(item().textContent, /20(\.0)? s, running at export/);
  assert.doesNotMatch(item().textContent, /\bactive\b/);
  ui.act(() => t.mock.timers.tick(5000));
  assert.match(item().textContent, /20(\.0)? s, running at export/);
  ui.destroy();
});

void test('task rows: limits, plurals, a pending badge that keeps the name whole, End Task and a context menu', () => {
  const active = summary('t-live', 'fix the upload lambda', '2026-11-22T10:00:00Z', {
    endable: true,
    counts: { calls: 1, allowed: 0, denied: 0, approved: 0, pending: 1, masked: 0, refused: 0, failed: 0 },
  });
  const live = {
    ...active,
    task: {
      ...active.task,
      state: 'active' as const,
      endedAt: undefined,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    },
  };
  const { ui, posted } = mountApp({ mode: 'live', theme: 'dark', view: { kind: 'tasks' }, tasks: [live] });
  const item = ui.target.querySelector<HTMLElement>('[role="option"]')!;
  assert.equal(item.querySelector('.name')?.textContent, 'fix the upload lambda');
  assert.equal(item.querySelector('.line1 .chip'), null, 'the badge is not on the name line');
  assert.match(item.querySelector('.counts')!.textContent, /1 waiting for approval\s+1 call(?!s)/);
  assert.match(item.textContent, /key expires \d{1,2}:\d\d( [AP]M)? · scope: any call no rule denies/);
  assert.deepEqual(JSON.parse(item.dataset.vscodeContext ?? '{}'), {
    webviewSection: 'task',
    taskId: 't-live',
    imported: false,
    endable: true,
    preventDefaultContextMenuItems: true,
  });
  const end = item.querySelector<HTMLElement>('vscode-toolbar-button[icon="debug-stop"]')!;
  assert.ok(
    item.querySelector('vscode-toolbar-button[icon="export"]'),
    'export reads as export, not as saving',
  );
  ui.act(() => end.click());
  assert.deepEqual(posted.at(-1), { type: 'endTask', taskId: 't-live' });
  ui.destroy();
});

void test('the call count reads "1 call", not "1 calls"', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const oneCall = smallSession().filter(
    (e) => e.type === 'task.started' || (e.data as { callId?: string }).callId === 'c-1',
  );
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: oneCall }));
  assert.equal(ui.target.querySelector('.filters .shown')!.textContent.trim(), '1 call');
  ui.destroy();
});
