import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { whatIfReport } from '../../extension/commands/what-if-report';
import { Journal } from '../../gateway/journal/journal';
import { loadPolicyText } from '../../gateway/policy-file';
import { callEvents, taskStarted } from './recording-support';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-what-if-report-'));
  const journal = await Journal.create(dir);
  // Three tasks in start order (ids sort by start time); only the last two are compared.
  await journal.record('t-a0000001-old', [
    taskStarted('t-a0000001-old', 'old'),
    ...callEvents(1, { operation: 'DeleteItem' }),
  ]);
  await journal.record('t-b0000001-mid', [taskStarted('t-b0000001-mid', 'mid'), ...callEvents(2)]);
  await journal.record('t-c0000001-new', [
    taskStarted('t-c0000001-new', 'new'),
    ...callEvents(3, { operation: 'DeleteItem' }),
    ...callEvents(4),
  ]);
  await journal.close();
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void test("a saved policy's effect on the last tasks: each changed call, its rule, and nothing older", async () => {
  const policy = loadPolicyText(
    JSON.stringify({ denyRules: [{ id: 'no-deletes', reason: 'keep data', actions: ['dynamodb:Delete*'] }] }),
    '/ws/.airlock/policy.json',
  );
  const r = await whatIfReport(dir, policy, 'policy.json', 2);
  assert.deepEqual([r.tasks, r.calls, r.changed], [2, 3, 1]);
  const lines = r.text.split('\n');
  assert.equal(lines[0], '# What policy.json would have done to the last 2 task(s)');
  assert.match(r.text, /^@@ t-c0000001-new call-3 \S+ DeleteItem$/m);
  assert.ok(lines.some((l) => /^\+ deny {2}dynamodb:DeleteItem on .*\(rule: no-deletes\)/.test(l)));
  assert.ok(!r.text.includes('t-a0000001-old'));
  assert.match(r.text, /\n1 of 3 calls would be decided differently\n$/);
});
