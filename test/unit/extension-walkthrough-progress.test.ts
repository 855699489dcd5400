import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { TaskInfo } from '../../gateway/protocol';
import { taskStartedText } from '../../extension/tasks/task-started-text';
import {
  WALKTHROUGH,
  walkthroughKeyForEvent,
  walkthroughKeyForState,
} from '../../extension/ui/walkthrough-progress';

const task = (taskId: string): TaskInfo => ({ taskId }) as TaskInfo;

void test('walkthrough steps complete on what happened, not on a button', () => {
  assert.equal(walkthroughKeyForState({ kind: 'running', port: 1, pid: 2 }), WALKTHROUGH.gatewayRunning);
  assert.equal(walkthroughKeyForState({ kind: 'starting', attempt: 1 }), undefined);
  assert.equal(
    walkthroughKeyForEvent(
      {
        type: 'call.recorded',
        call: {
          callId: 'c',
          taskId: 't',
          at: '',
          service: 'sts',
          actions: [],
          resources: [],
          decision: 'allow',
        },
      },
      'ws',
    ),
    WALKTHROUGH.callRecorded,
  );
  assert.equal(
    walkthroughKeyForEvent({ type: 'task.started', task: task('t-1') }, 'ws'),
    WALKTHROUGH.agentTaskStarted,
  );
  assert.equal(
    walkthroughKeyForEvent({ type: 'task.started', task: task('ws') }, 'ws'),
    undefined,
    'the workspace task',
  );
  assert.equal(walkthroughKeyForEvent({ type: 'task.ended', task: task('t-1') }, 'ws'), undefined);
});

void test("package.json's walkthrough steps complete on these context keys only", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    contributes: { walkthroughs: { steps: { id: string; completionEvents: string[] }[] }[] };
  };
  const events = pkg.contributes.walkthroughs[0]!.steps.map((s) => [s.id, s.completionEvents]);
  assert.deepEqual(events, [
    ['gateway', [`onContext:${WALKTHROUGH.gatewayRunning}`]],
    ['first-call', [`onContext:${WALKTHROUGH.callRecorded}`]],
    ['timeline', [`onContext:${WALKTHROUGH.timelineShown}`]],
    ['policy-and-tasks', [`onContext:${WALKTHROUGH.agentTaskStarted}`]],
  ]);
});

void test('starting a task confirms its name, scope, end and terminal', () => {
  const text = taskStartedText('fix upload', 's3-uploads', '2026-05-01T13:00:00Z', 'Airlock: fix upload');
  assert.match(
    text,
    /^Airlock started task "fix upload": scoped by the policy's "s3-uploads" template, its key valid until .+\. /,
  );
  assert.match(text, /AWS calls from the terminal "Airlock: fix upload" are recorded under it\.$/);
  assert.match(
    taskStartedText('x', undefined, 'never', 'T'),
    /: unrestricted \(the workspace policy still denies and asks\)\. AWS/,
  );
});
