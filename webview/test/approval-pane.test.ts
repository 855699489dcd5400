import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallSession, T0 } from './support/journal-events';
import { mountApp, row } from './support/mount-app';
import { setValue } from './support/render';

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
