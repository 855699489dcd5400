import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../src/protocol-guards';
import type { HostMessage, TaskSummary, WebviewMessage } from '../src/protocol';
import { AppState } from '../src/state/app-state.svelte';
import { ManualFrames } from './support/frames';
import { smallSession, T0 } from './support/journal-events';

function summary(taskId: string, startedAt: string, extra: Partial<TaskSummary['task']> = {}): TaskSummary {
  return {
    task: {
      taskId,
      name: taskId,
      accessKeyId: 'K',
      startedBy: 'dev',
      startedAt,
      expiresAt: startedAt,
      state: 'ended',
      ...extra,
    },
  };
}

function started(): { app: AppState; posted: WebviewMessage[] } {
  const posted: WebviewMessage[] = [];
  const app = new AppState((m) => posted.push(m), new ManualFrames());
  app.start();
  return { app, posted };
}

void test('handshake: ready first; nothing but init is taken before init', () => {
  const { app, posted } = started();
  assert.deepEqual(posted, [{ type: 'ready', protocol: 1 }]);
  app.receive({ type: 'tasks', tasks: [summary('t-early', new Date(T0).toISOString())] });
  assert.equal(app.tasks.length, 0);
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'light',
    view: { kind: 'tasks' },
    tasks: [],
  } satisfies HostMessage);
  assert.equal(app.initialized, true);
  assert.equal(app.theme, 'light');
  app.receive({ type: 'nonsense' });
  app.receive(null);
  assert.equal(app.initialized, true);
});

void test('tasks are listed newest first', () => {
  const { app } = started();
  const tasks = [
    summary('old', '2026-11-20T10:00:00Z'),
    summary('new', '2026-11-22T10:00:00Z'),
    summary('mid', '2026-11-21T10:00:00Z'),
  ];
  app.receive({ type: 'init', protocol: 1, mode: 'live', theme: 'dark', view: { kind: 'tasks' }, tasks });
  assert.deepEqual(
    app.sortedTasks.map((t) => t.task.taskId),
    ['new', 'mid', 'old'],
  );
});

void test('events append to the session; reset replaces it; detail bodies are asked for once', () => {
  const { app, posted } = started();
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const events = smallSession();
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(0, 4) });
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(4) });
  assert.equal(app.session?.counts.calls, 5);
  app.session.openDetail(0);
  app.session.closeDetail();
  app.session.openDetail(0);
  assert.deepEqual(posted.slice(1), [{ type: 'requestDetail', taskId: 't-1', callId: 'c-1' }]);
  assert.equal(app.session.detailLoad('c-1'), 'loading');
  app.receive({
    type: 'detail',
    taskId: 't-1',
    callId: 'c-1',
    response: { text: '<ok/>', contentType: 'text/xml' },
  });
  assert.equal(app.session.detail?.responseBody?.text, '<ok/>');
  assert.equal(app.session.detailLoad('c-1'), 'loaded');
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(0, 5), reset: true });
  assert.equal(app.session?.counts.calls, 2);
  assert.equal(app.session?.calls[1]?.outcome, 'unknown', 'nothing of the old session is left');
});

void test('deciding posts once per approval, and clears when the gateway confirms', () => {
  const { app, posted } = started();
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  app.receive({ type: 'events', taskId: 't-1', events: smallSession() });
  const ref = { approvalId: 'a-2', taskId: 't-1', callId: 'c-4' };
  app.decide(ref, 'approve-for-task', '  needed  ');
  app.decide(ref, 'deny');
  assert.deepEqual(posted.slice(1), [
    { type: 'decideApproval', ...ref, decision: 'approve-for-task', reason: 'needed' },
  ]);
  assert.ok(app.deciding.has('a-2'));
  app.receive({
    type: 'approvalChanged',
    approval: {
      ...ref,
      taskName: 't',
      identity: 'dev',
      service: 'iam',
      action: 'iam:PutRolePolicy',
      resources: [],
      summary: 's',
      params: {},
      requestedAt: new Date(T0 + 11_000).toISOString(),
      expiresAt: new Date(T0 + 311_000).toISOString(),
      state: 'approved',
      attempts: 1,
      decision: 'approve-for-task',
      decidedBy: 'me',
      decidedAt: new Date(T0 + 12_000).toISOString(),
    },
  });
  assert.equal(app.deciding.has('a-2'), false);
  assert.equal(app.session?.counts.pending, 0);
  assert.equal(app.session?.counts.approved, 2);
});

void test('a bundle is read-only: no decisions are posted', () => {
  const { app, posted } = started();
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'bundle',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  app.decide({ approvalId: 'a-2', taskId: 't-1', callId: 'c-4' }, 'approve-once');
  assert.equal(posted.length, 1);
  app.receive({
    type: 'bundleVerification',
    taskId: 't-1',
    verification: { state: 'failed', code: 'SignatureInvalid', message: 'bad' },
  });
  assert.equal(app.verification?.state, 'failed');
});

void test('reveal selects a call even when the filters hid it', () => {
  const { app } = started();
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  app.receive({ type: 'events', taskId: 't-1', events: smallSession() });
  app.session!.outcome = 'denied';
  app.receive({ type: 'reveal', taskId: 't-1', callId: 'c-3' });
  assert.equal(app.session!.outcome, 'all');
  assert.equal(app.session!.detail?.callId, 'c-3');
  assert.equal(app.session!.calls[app.session!.visible.indices[app.session!.cursor]!]?.callId, 'c-3');
});

void test('the host rejects malformed webview messages; the webview ignores unknown host messages', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'openTask', taskId: 't-1' }), {
    type: 'openTask',
    taskId: 't-1',
  });
  assert.equal(parseWebviewMessage({ type: 'openTask', taskId: '' }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'copyCloudTrail', taskId: 't-1', callId: 'c-1' }), {
    type: 'copyCloudTrail',
    taskId: 't-1',
    callId: 'c-1',
  });
  assert.deepEqual(parseWebviewMessage({ type: 'copyCloudTrail', taskId: 't-1' }), {
    type: 'copyCloudTrail',
    taskId: 't-1',
  });
  assert.equal(parseWebviewMessage({ type: 'copyCloudTrail', taskId: 't-1', callId: 7 }), undefined);
  assert.equal(parseWebviewMessage({ type: 'copyCloudTrail', taskId: '' }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'openRule', ruleId: 'iam-writes' }), {
    type: 'openRule',
    ruleId: 'iam-writes',
  });
  assert.equal(parseWebviewMessage({ type: 'openRule', ruleId: 7 }), undefined);
  assert.equal(
    parseWebviewMessage({ type: 'copyCliCommand', text: 'aws sts get-caller-identity' })?.type,
    'copyCliCommand',
  );
  assert.equal(parseWebviewMessage({ type: 'copyCliCommand', text: '' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'copyCliCommand', text: 'x'.repeat(1_000_001) }), undefined);
  assert.equal(
    parseWebviewMessage({
      type: 'decideApproval',
      approvalId: 'a',
      taskId: 't',
      callId: 'c',
      decision: 'yes',
    }),
    undefined,
  );
  assert.equal(
    parseWebviewMessage({
      type: 'decideApproval',
      approvalId: 'a',
      taskId: 't',
      callId: 'c',
      decision: 'deny',
      reason: 5,
    }),
    undefined,
  );
  assert.ok(
    parseWebviewMessage({
      type: 'decideApproval',
      approvalId: 'a',
      taskId: 't',
      callId: 'c',
      decision: 'deny',
    }),
  );
  assert.equal(parseWebviewMessage({ type: 'exportBundle' }), undefined);
  assert.equal(parseWebviewMessage('ready'), undefined);
  assert.equal(parseHostMessage({ type: 'events', taskId: 't', events: 'x' }), undefined);
  assert.equal(parseHostMessage({ type: 'future', anything: 1 }), undefined);
  assert.ok(parseHostMessage({ type: 'theme', theme: 'high-contrast' }));
});

void test('batches arriving within one frame update the screen once, and a selection sees them at once', () => {
  const posted: WebviewMessage[] = [];
  const frames = new ManualFrames();
  const app = new AppState((m) => posted.push(m), new ManualFrames(), frames);
  app.receive({
    type: 'init',
    protocol: 1,
    mode: 'live',
    theme: 'dark',
    view: { kind: 'session', taskId: 't-1' },
    tasks: [],
  });
  const events = smallSession();
  const s = app.session!;
  const before = s.revision;
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(0, 4) });
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(4, 8) });
  assert.equal(s.revision, before, 'nothing shown before the frame');
  assert.equal(frames.waiting, 1, 'one frame requested for both batches');
  frames.advance(16);
  assert.equal(s.revision, before + 1);
  assert.equal(s.counts.calls, 3);
  app.receive({ type: 'events', taskId: 't-1', events: events.slice(8) });
  app.receive({ type: 'reveal', taskId: 't-1', callId: 'c-4' });
  assert.equal(s.detail?.callId, 'c-4', 'reveal publishes the waiting batch first');
  assert.equal(s.calls[s.visible.indices[s.cursor]!]?.callId, 'c-4');
  assert.equal(frames.waiting, 0);
});
