import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallSession, T0 } from './support/journal-events';
import { mountApp, row } from './support/mount-app';

void test('a bundle shows who signed it, or exactly what failed; nothing can be decided', () => {
  const { app, ui } = mountApp({
    mode: 'bundle',
    theme: 'light',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  assert.match(ui.target.querySelector('.banner')!.textContent, /Verifying/);
  ui.act(() =>
    app.receive({
      type: 'bundleVerification',
      taskId: 't-1',
      verification: {
        state: 'verified',
        fingerprint: 'SHA256:0123456789abcdefghijklmnopqrstuv',
        signer: 'alice',
        exportedAt: new Date(T0).toISOString(),
      },
    }),
  );
  const ok = ui.target.querySelector('.banner.verified')!;
  assert.match(ok.textContent.replace(/\s+/g, ' '), /Verified — signed by alice, key 01234567…opqrstuv/);
  assert.equal(ok.querySelector('code')?.getAttribute('title'), 'SHA256:0123456789abcdefghijklmnopqrstuv');
  assert.equal(ui.target.querySelector('.untrusted-tag'), null, 'a verified bundle is not marked untrusted');
  ui.act(() =>
    app.receive({
      type: 'bundleVerification',
      taskId: 't-1',
      verification: {
        state: 'failed',
        code: 'ChainBroken',
        message: 'event 7 does not hash to the prev of event 8',
      },
    }),
  );
  const bad = ui.target.querySelector('.banner.failed')!;
  assert.equal(bad.getAttribute('role'), 'alert');
  assert.match(
    bad.textContent,
    /Verification failed: ChainBroken — event 7 does not hash to the prev of event 8\./,
  );
  // Untrusted throughout: marked beside the calls, not only in the banner above them.
  assert.match(ui.target.querySelector('.untrusted-tag')?.textContent ?? '', /Untrusted recording/);
  assert.ok(ui.target.querySelector('.fill.untrusted'), 'the calls area is marked');
  ui.act(() => row(ui, 'c-4').click());
  assert.equal(ui.target.querySelector('.detail vscode-button'), null, 'no decision buttons in a recording');
  assert.equal(ui.target.querySelector('.session-header vscode-button'), null, 'no export of a bundle');
  ui.destroy();
});

void test('a tampered bundle marks the calls whose events were changed after signing, apart from the rest', () => {
  const { app, ui } = mountApp({
    mode: 'bundle',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  ui.act(() =>
    app.receive({
      type: 'bundleVerification',
      taskId: 't-1',
      verification: {
        state: 'failed',
        code: 'edited-event',
        message: 'edited event: seq 5 was changed (seq 6 no longer links to it)',
        changedEvents: [5],
        changedCalls: ['c-2'],
      },
    }),
  );
  const edited = row(ui, 'c-2');
  assert.ok(edited.classList.contains('changed'), 'the changed call has its own mark');
  assert.match(edited.getAttribute('aria-label') ?? '', /, changed after signing$/);
  assert.ok(edited.querySelector('.changed-mark[title="Changed after signing"]'));
  for (const other of ['c-1', 'c-3', 'c-4']) {
    const r = row(ui, other);
    assert.equal(r.classList.contains('changed'), false, `${other} is only untrusted`);
    assert.doesNotMatch(r.getAttribute('aria-label') ?? '', /changed after signing/);
  }
  assert.ok(ui.target.querySelector('.fill.untrusted'), 'every call is still in the untrusted area');
  assert.match(
    ui.target.querySelector('.untrusted-tag')?.textContent ?? '',
    /One call is marked as changed after signing/,
  );
  ui.act(() => edited.click());
  assert.match(ui.target.querySelector('.detail .changed-note')?.textContent ?? '', /Changed after signing/);
  ui.act(() => row(ui, 'c-3').click());
  assert.equal(ui.target.querySelector('.detail .changed-note'), null, 'an unchanged call has no such note');
  ui.destroy();
});

void test('a file that cannot be read as a bundle is an error page, with no session controls', () => {
  const { app, ui } = mountApp({
    mode: 'bundle',
    theme: 'dark',
    view: { kind: 'session', taskId: 'broken' },
    tasks: [],
  });
  ui.act(() =>
    app.receive({
      type: 'bundleVerification',
      taskId: 'broken',
      verification: { state: 'failed', code: 'unreadable', message: 'not an Airlock bundle: bad magic' },
    }),
  );
  const page = ui.target.querySelector<HTMLElement>('.unreadable');
  assert.ok(page, 'an error page');
  assert.equal(page.getAttribute('role'), 'alert');
  assert.match(page.textContent, /cannot be opened as an Airlock\s+session bundle/);
  assert.match(page.textContent, /not an Airlock bundle: bad magic/);
  for (const sel of ['[role="tablist"]', '.filters', '.calls', '.replay', '.banner'])
    assert.equal(ui.target.querySelector(sel), null, `no ${sel}`);
  ui.destroy();
});
