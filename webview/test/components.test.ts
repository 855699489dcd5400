import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../bench/webview-events';
import App from '../src/components/App.svelte';
import type { HostMessage, TaskSummary, WebviewMessage } from '../src/protocol';
import { AppState } from '../src/state/app-state.svelte';
import { ManualFrames } from './support/frames';
import { smallSession, T0 } from './support/journal-events';
import { key, render, setValue, type Rendered } from './support/render';

function summary(
  taskId: string,
  name: string,
  startedAt: string,
  extra: Partial<TaskSummary> = {},
): TaskSummary {
  return {
    task: {
      taskId,
      name,
      accessKeyId: 'K',
      startedBy: 'dev',
      startedAt,
      expiresAt: startedAt,
      endedAt: startedAt,
      state: 'ended',
    },
    counts: { calls: 12, allowed: 9, denied: 2, approved: 1, pending: 0, masked: 3, refused: 0, failed: 0 },
    ...extra,
  };
}

function mountApp(init: Omit<Extract<HostMessage, { type: 'init' }>, 'type' | 'protocol'>): {
  app: AppState;
  posted: WebviewMessage[];
  frames: ManualFrames;
  ui: Rendered;
} {
  const posted: WebviewMessage[] = [];
  const frames = new ManualFrames();
  const app = new AppState((m) => posted.push(m), frames);
  const ui = render(App, { app });
  app.start();
  ui.act(() => app.receive({ type: 'init', protocol: 1, ...init }));
  return { app, posted, frames, ui };
}

function rows(ui: Rendered): HTMLElement[] {
  return [...ui.target.querySelectorAll<HTMLElement>('.calls [role="option"]')];
}

function row(ui: Rendered, callId: string): HTMLElement {
  const r = ui.target.querySelector<HTMLElement>(`[data-call-id="${callId}"]`);
  assert.ok(r, `row ${callId} rendered`);
  return r;
}

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

void test('a pending approval is decided from the detail pane: the decision and reason are posted', () => {
  const { app, ui, posted } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  const strip = ui.target.querySelector('.pending')!;
  assert.match(strip.textContent, /1 call waiting for your approval\s+iam:PutRolePolicy/);
  ui.act(() => strip.querySelector<HTMLElement>('vscode-button')!.click());
  const detail = ui.target.querySelector('.detail')!;
  ui.act(() => setValue(detail.querySelector('vscode-textfield.reason')!, 'one-off fix', 'input'));
  const approveForTask = [...detail.querySelectorAll<HTMLElement>('vscode-button')].find(
    (b) => b.textContent === 'Approve for task…',
  )!;
  ui.act(() => approveForTask.click());
  assert.deepEqual(posted.at(-1), {
    type: 'decideApproval',
    approvalId: 'a-2',
    taskId: 't-1',
    callId: 'c-4',
    decision: 'approve-for-task',
    reason: 'one-off fix',
  });
  assert.match(detail.textContent, /Decision sent/);
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

void test('a call decided elsewhere updates its open detail pane at once; a failed decision gives the buttons back', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  ui.act(() => row(ui, 'c-4').click());
  const detail = (): HTMLElement => ui.target.querySelector<HTMLElement>('.detail')!;
  assert.match(detail().textContent, /Waiting for your decision/);
  const info = {
    approvalId: 'a-2',
    taskId: 't-1',
    taskName: 'demo',
    identity: 'dev (agent claude)',
    callId: 'c-4',
    service: 'iam',
    action: 'iam:PutRolePolicy',
    resources: ['arn:aws:iam::123456789012:role/new'],
    summary: 'Attach an inline policy to role new',
    params: {},
    requestedAt: new Date(T0 + 11_000).toISOString(),
    expiresAt: new Date(T0 + 311_000).toISOString(),
    attempts: 1,
  };
  // The webview asked; the host answers that the approval is still pending (the decision failed).
  ui.act(() => app.decide({ approvalId: 'a-2', taskId: 't-1', callId: 'c-4' }, 'approve-once'));
  assert.match(detail().textContent, /Decision sent/);
  ui.act(() => app.receive({ type: 'approvalChanged', approval: { ...info, state: 'pending' } }));
  assert.doesNotMatch(detail().textContent, /Decision sent/);
  assert.equal(app.deciding.has('a-2'), false, 'nothing in flight: the buttons are live again');
  // Decided from the CLI: the open pane shows the decision, and no live buttons.
  ui.act(() =>
    app.receive({
      type: 'approvalChanged',
      approval: { ...info, state: 'approved', decision: 'approve-once', decidedBy: 'carol (cli)' },
    }),
  );
  assert.match(detail().textContent.replace(/\s+/g, ' '), /approved once by carol \(cli\)/);
  assert.equal(detail().querySelector('vscode-button'), null);
  assert.doesNotMatch(detail().textContent, /Waiting for your decision/);
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

void test('a pending approval shows its risk, who asks (Identity, Client), the facts that matter and a countdown', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const events = smallSession().map((e) =>
    e.type === 'approval.requested' && (e.data as { approvalId: string }).approvalId === 'a-2'
      ? {
          ...e,
          data: {
            ...(e.data as object),
            expiresAt: new Date(Date.now() + 125_000).toISOString(),
            caller: 'aws-cli/1.32.0',
            risk: { level: 'high', reasons: ['grants s3:* (every s3 action) on *'] },
            facts: [
              {
                label: 'PolicyDocument',
                value: '{\n  "Statement": []\n}',
                document: true,
                warning: 'Broad: s3:* (every s3 action) on *',
              },
            ],
          },
        }
      : e.type === 'call.request' && (e.data as { callId: string }).callId === 'c-4'
        ? { ...e, data: { ...(e.data as object), userAgent: 'aws-cli/1.32.0 Python/3.11.4 Linux/6.1' } }
        : e,
  );
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events }));
  ui.act(() => row(ui, 'c-4').click());
  const text = ui.target.querySelector('.detail')!.textContent.replace(/\s+/g, ' ');
  assert.match(text, /High risk: grants s3:\* \(every s3 action\) on \*/);
  // The caller is named the same in the approval and in the call's facts: Identity, then Client.
  const labels = (dl: Element | null | undefined): Record<string, string> =>
    Object.fromEntries(
      [...(dl?.querySelectorAll('dt') ?? [])].map((dt) => [
        dt.textContent.trim(),
        dt.nextElementSibling?.textContent.trim() ?? '',
      ]),
    );
  const lists = [...ui.target.querySelectorAll('.detail dl')];
  const approval = labels(lists.find((dl) => dl.textContent.includes('Asked by')));
  assert.equal(approval.Identity, 'dev');
  assert.equal(approval.Client, 'aws-cli/1.32.0');
  assert.equal(approval['Who asks'], undefined);
  const facts = labels(lists.find((dl) => dl.textContent.includes('Call id')));
  assert.equal(facts.Client, 'aws-cli/1.32.0 Python/3.11.4 Linux/6.1');
  assert.equal(facts.Identity, 'dev');
  assert.match(text, /Broad: s3:\*/);
  assert.match(text, /refused automatically in 2 min 0\d s/);
  assert.ok(ui.target.querySelector('.detail pre.doc'), 'the document is pretty-printed');
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

void test('the detail pane copies the call as an AWS CLI command and opens its rule in the policy', () => {
  const { app, posted, ui } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  ui.act(() => row(ui, 'c-2').click());
  const detail = ui.target.querySelector<HTMLElement>('.detail')!;
  const copy = detail.querySelector<HTMLElement>('[label="Copy as AWS CLI command"]');
  assert.ok(copy, 'a Copy as AWS CLI command button');
  ui.act(() => copy.click());
  const copied = posted.find((m) => m.type === 'copyCliCommand');
  assert.ok(copied && copied.type === 'copyCliCommand');
  assert.equal(copied.text, 'aws iam delete-role --region us-east-1');
  const rule = detail.querySelector<HTMLElement>('.verdict button.rule-link');
  assert.ok(rule, 'the rule id is a link');
  assert.equal(rule.textContent, 'no-destructive');
  ui.act(() => rule.click());
  assert.deepEqual(
    posted.find((m) => m.type === 'openRule'),
    { type: 'openRule', ruleId: 'no-destructive' },
  );
  ui.destroy();
});

void test('masked fields say why in plain words, not the recording terms', () => {
  const { app, ui } = mountApp({
    mode: 'live',
    theme: 'light',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const events = smallSession().map((e) =>
    e.type === 'call.response' && (e.data as { callId?: string }).callId === 'c-1'
      ? {
          ...e,
          data: {
            ...e.data,
            masked: [
              { where: 'response', field: 'Credentials.SecretAccessKey', source: 'catalogue', count: 1 },
              { where: 'response', field: 'Token', source: 'shape:jwt', count: 1 },
              { where: 'request', field: 'Password', source: 'rule:mask-passwords', count: 1 },
            ],
          },
        }
      : e,
  );
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events }));
  ui.act(() => row(ui, 'c-1').click());
  const masked = ui.target.querySelector<HTMLElement>('.detail .masked')!;
  assert.ok(masked, 'a Masked list');
  assert.match(
    masked.textContent,
    /Credentials\.SecretAccessKey\s*— a secret field of this operation, always masked/,
  );
  assert.match(masked.textContent, /Token\s*— the value looks like a JSON Web Token/);
  assert.match(masked.textContent, /Password\s*— masked by workspace rule mask-passwords/);
  assert.doesNotMatch(masked.textContent, /catalogue|shape:|rule:/);
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

void test('a task with an STS session offers "Copy CloudTrail command" for itself and for each call; one without does not', () => {
  const { app, ui, posted } = mountApp({
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: smallSession() }));
  assert.equal(ui.target.querySelector('.session-header .trail'), null, 'profile mode: nothing to look up');
  ui.act(() => row(ui, 'c-1').click());
  assert.equal(ui.target.querySelector('.detail .trail'), null);
  const session = {
    type: 'task.session',
    ts: new Date(T0 + 500).toISOString(),
    task: 't-1',
    data: {
      taskId: 't-1',
      roleArn: 'arn:aws:iam::123456789012:role/dev',
      roleSessionName: 'airlock-t-1',
      sourceIdentity: 'alice@example.test',
      accessKeyIds: ['ASIASESSION1'],
      sessionPolicy: true,
      region: 'us-east-1',
    },
  };
  ui.act(() => app.receive({ type: 'events', taskId: 't-1', events: [session] }));
  const header = ui.target.querySelector<HTMLElement>('.session-header .trail');
  assert.ok(header, 'the header offers the task command');
  ui.act(() => header.click());
  assert.deepEqual(posted.at(-1), { type: 'copyCloudTrail', taskId: 't-1' });
  const perCall = ui.target.querySelector<HTMLElement>('.detail .trail');
  assert.ok(perCall, 'the open call offers its own command');
  ui.act(() => perCall.click());
  assert.deepEqual(posted.at(-1), { type: 'copyCloudTrail', taskId: 't-1', callId: 'c-1' });
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
