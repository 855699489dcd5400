import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EventBody, JournalEvent } from '../../gateway/journal/events';
import { Journal } from '../../gateway/journal/journal';
import { cloudTrailCommands, trailTaskFromEvents } from '../../gateway/identity/cloudtrail-command';
import { cloudTrailCopy } from '../../extension/timeline/cloudtrail-copy';
import { TimelineSource } from '../../extension/timeline/timeline-source';
import { callEvents, taskStarted } from './recording-support';

const TASK = 't-trail-1';
const PROFILE_TASK = 't-trail-2';
const session = (keys: string[]): EventBody => ({
  type: 'task.session',
  data: {
    taskId: TASK,
    roleArn: 'arn:aws:iam::123456789012:role/dev',
    roleSessionName: 'airlock-t-trail-1',
    sourceIdentity: 'alice@example.test',
    accessKeyIds: keys,
    sessionPolicy: true,
    region: 'eu-west-1',
  },
});
const childCall = (): EventBody[] =>
  callEvents(3).map((e) =>
    e.type === 'call.request' ? { ...e, data: { ...e.data, accessKeyId: 'AKIAAIRLOCKCHILD0001' } } : e,
  );

let dir: string;
let source: TimelineSource;
let events: readonly JournalEvent[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-timeline-trail-'));
  const journal = await Journal.create(dir);
  await journal.record(TASK, [taskStarted(TASK, 'with a session'), session(['ASIAFIRST']), ...callEvents(1)]);
  // The session was renewed before expiry: a new key, and calls after it are signed with it.
  await journal.record(TASK, [session(['ASIAFIRST', 'ASIASECOND']), ...callEvents(2)]);
  await journal.record(TASK, [
    {
      type: 'task.child',
      data: {
        taskId: TASK,
        accessKeyId: 'AKIAAIRLOCKCHILD0001',
        awsAccessKeyId: 'ASIACHILDROLE',
        roleArn: 'arn:aws:iam::123456789012:role/deployer',
        roleSessionName: 'tf',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    },
    ...childCall(),
  ]);
  await journal.record(PROFILE_TASK, [taskStarted(PROFILE_TASK, 'profile mode'), ...callEvents(4)]);
  await journal.close();
  source = new TimelineSource({ dataDir: dir, client: () => undefined, log: () => undefined });
  events = (await source.recordedEvents(TASK)).events;
});

after(async () => {
  source?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const recorded = (t: string): ReturnType<TimelineSource['recordedEvents']> => source.recordedEvents(t);

void test('the timeline copies the task commands `airlock task trail` prints, read from the recording', async () => {
  const c = await cloudTrailCopy(recorded, TASK);
  assert.ok('text' in c, 'error' in c ? c.error : '');
  const task = trailTaskFromEvents(events, TASK);
  assert.ok(task);
  // An active task's window ends now: each side read the clock once, maybe a millisecond apart.
  const untilNow = (t: string): string => t.replace(/--end-time \S+/g, '--end-time NOW');
  assert.equal(untilNow(c.text), untilNow(cloudTrailCommands(task).join('\n')));
  const lines = c.text.split('\n');
  assert.equal(lines.length, 3);
  assert.match(
    lines[0]!,
    /^aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=ASIAFIRST /,
  );
  assert.match(lines[1]!, /AttributeValue=ASIASECOND /);
  assert.match(lines[2]!, /AttributeKey=Username,AttributeValue=airlock-t-trail-1 .*--region eu-west-1$/);
  const started = Date.parse(events[0]!.ts);
  assert.ok(lines[0]!.includes(`--start-time ${new Date(started - 5 * 60_000).toISOString()}`));
});

void test('a call is looked up by the AWS key that signed it, in a window around it', async () => {
  const at = (callId: string): number =>
    Date.parse(events.find((e) => e.type === 'call.request' && e.data.callId === callId)!.ts);
  const one = await cloudTrailCopy(recorded, TASK, 'call-1');
  assert.ok('text' in one);
  assert.equal(
    one.text,
    `aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=ASIAFIRST --start-time ${new Date(at('call-1') - 5 * 60_000).toISOString()} --end-time ${new Date(at('call-1') + 15 * 60_000).toISOString()} --region eu-west-1`,
  );
  const two = await cloudTrailCopy(recorded, TASK, 'call-2');
  assert.ok('text' in two && two.text.includes('AttributeValue=ASIASECOND '), 'after renewal: the new key');
  const child = await cloudTrailCopy(recorded, TASK, 'call-3');
  assert.ok(
    'text' in child && child.text.includes('AttributeValue=ASIACHILDROLE '),
    'an assumed role: its own key',
  );
});

void test('profile mode and unknown calls: nothing to copy, and the reason says why', async () => {
  const task = await cloudTrailCopy(recorded, PROFILE_TASK);
  assert.ok('error' in task);
  assert.match(task.error, /no STS session of its own \(profile mode\)/);
  const call = await cloudTrailCopy(recorded, PROFILE_TASK, 'call-4');
  assert.ok('error' in call);
  const missing = await cloudTrailCopy(recorded, TASK, 'call-404');
  assert.ok('error' in missing);
  assert.ok('error' in (await cloudTrailCopy(undefined, TASK)));
});
