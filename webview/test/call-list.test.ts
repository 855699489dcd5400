import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../bench/webview-events';
import { smallSession, T0 } from './support/journal-events';
import { mountApp, row, rows } from './support/mount-app';
import { key, setValue } from './support/render';

void test('a denied call shows as denied with its rule; clicking it opens the detail pane', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  const denied = row(ui, 'c-2');
  assert.ok(denied.classList.contains('o-denied'));
  assert.match(denied.textContent, /denied\s+iam DeleteRole/);
  assert.match(denied.getAttribute('aria-label')!, /Denied by rule no-destructive, status 403 AccessDenied/);
  assert.equal(ui.target.querySelector('.detail'), null);
  ui.act(() => denied.click());
  const detail = ui.target.querySelector<HTMLElement>('.detail')!;
  assert.ok(detail, 'detail pane open');
  assert.equal(detail.querySelector('h2')?.textContent, 'iam DeleteRole');
  assert.match(
    detail.querySelector('.verdict')!.textContent,
    /Denied\s+rule no-destructive\s+403 AccessDenied/,
  );
  assert.match(detail.textContent, /Airlock denied iam:DeleteRole: destructive/);
  assert.match(detail.textContent, /Forwarded\s*no — answered by Airlock/);
  assert.equal(denied.getAttribute('aria-selected'), 'true');
  ui.act(() => key(window, 'Escape'));
  assert.equal(ui.target.querySelector('.detail'), null, 'Escape closes it');
  ui.destroy();
});

void test('an approved call tells who approved it, when, and how long the agent waited', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  ui.act(() => row(ui, 'c-3').click());
  const text = ui.target.querySelector('.detail')!.textContent.replace(/\s+/g, ' ');
  assert.match(text, /Outcome ?approved once by alice/);
  assert.match(text, /Asked by ?rule ask-iam — IAM writes need a person/);
  assert.match(text, /Waited ?6\.0 s/);
  ui.destroy();
});

void test('keyboard: arrows move through the list, Enter opens, Space plays and pauses the replay', () => {
  const { app, ui, frames } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  const list = ui.target.querySelector<HTMLElement>('.calls')!;
  ui.act(() => key(list, 'ArrowDown'));
  ui.act(() => key(list, 'ArrowDown'));
  assert.equal(list.getAttribute('aria-activedescendant'), 'call-row-2');
  ui.act(() => key(list, 'Enter'));
  assert.equal(ui.target.querySelector('.detail h2')?.textContent, 'iam CreateRole');
  ui.act(() => key(list, 'End'));
  assert.equal(
    ui.target.querySelector('.detail h2')?.textContent,
    'iam PutRolePolicy',
    'the open pane follows the cursor',
  );
  ui.act(() => key(list, ' '));
  assert.equal(app.session?.replay.playing, true);
  ui.act(() => frames.advance(2500));
  assert.ok(row(ui, 'c-3').classList.contains('future'), 'calls after the playhead are dimmed');
  assert.equal(row(ui, 'c-1').classList.contains('future'), false);
  ui.act(() => key(list, ' '));
  assert.equal(app.session?.replay.playing, false);
  ui.destroy();
});

void test('100,000 events: only the visible rows are in the DOM; a search narrows them', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-big' },
    tasks: [],
  });
  const events = generateEvents({ taskId: 't-big', events: 100_000, seed: 9 });
  ui.act(() => app.receive({ type: 'events', taskId: 't-big', events }));
  const total = app.session!.counts.calls;
  assert.ok(total > 25_000);
  assert.ok(rows(ui).length > 10 && rows(ui).length < 50, `${rows(ui).length} rows in the DOM`);
  assert.equal(rows(ui)[0]?.getAttribute('aria-setsize'), String(total));
  ui.act(() => setValue(ui.target.querySelector('vscode-textfield.search')!, 'terminateinstances', 'input'));
  const shown = app.session!.visible.indices.length;
  assert.ok(shown > 0 && shown < total / 20);
  assert.ok(rows(ui).every((r) => r.textContent.includes('ec2 TerminateInstances')));
  assert.match(
    ui.target.querySelector('.filters .shown')!.textContent,
    new RegExp(`${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} calls`),
  );
  ui.act(() =>
    setValue(ui.target.querySelector('vscode-single-select[aria-label="Decision"]')!, 'allowed', 'change'),
  );
  assert.equal(rows(ui).length, 0);
  assert.match(ui.target.querySelector('.calls')!.textContent, /No calls match the filters/);
  ui.destroy();
});

void test('live: a new batch adds rows and keeps the rows already on screen', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const events = smallSession();
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: events.slice(0, 5) }));
  const first = row(ui, 'c-1');
  assert.equal(rows(ui).length, 2);
  assert.match(row(ui, 'c-2').textContent, /undecided/);
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: events.slice(5) }));
  assert.equal(rows(ui).length, 5);
  assert.equal(row(ui, 'c-1'), first, 'the same element: not re-rendered from scratch');
  assert.match(row(ui, 'c-2').textContent, /denied/);
  ui.destroy();
});

void test('an approval that expired is its own outcome, with its own filter value, not a denial', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() =>
    app.receive({
      type: 'events',
      taskId: 't-1',
      events: [
        ...smallSession(),
        {
          type: 'approval.expired',
          ts: new Date(T0 + 311_000).toISOString(),
          data: { approvalId: 'a-2', timeoutSeconds: 300, waitedMs: 300_000, attempts: 1 },
        },
      ],
    }),
  );
  const expired = row(ui, 'c-4');
  assert.ok(expired.classList.contains('o-expired'));
  const select = ui.target.querySelector<HTMLElement>('vscode-single-select[aria-label="Decision"]');
  assert.ok(select, 'the decision filter is there');
  assert.match(select.innerHTML, /value="expired"/);
  ui.act(() => (app.session!.outcome = 'expired'));
  assert.deepEqual(
    rows(ui).map((r) => r.dataset.callId),
    ['c-4'],
  );
  ui.act(() => expired.click());
  assert.match(
    ui.target.querySelector('.detail')!.textContent.replace(/\s+/g, ' '),
    /expired: nobody decided within 300 s, so Airlock refused the call/,
  );
  ui.destroy();
});
