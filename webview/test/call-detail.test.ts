import './support/dom';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallSession, T0 } from './support/journal-events';
import { mountApp, row } from './support/mount-app';

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
