// The journal the timeline tests read: one task with an allowed call, a denied call and a
// masked secret, in a fresh data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../../gateway/journal/journal';
import { callEvents, taskStarted } from '../recording-support';

export const TASK = 't-timeline-1';
export const SECRET_BODY = '{"SecretString":"{{airlock:masked:secret-1}}","Name":"db"}';

export interface TimelineJournal {
  readonly dir: string;
  readonly journal: Journal;
  dispose(this: void): Promise<void>;
}

export async function timelineJournal(): Promise<TimelineJournal> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-timeline-'));
  const journal = await Journal.create(dir);
  await journal.record(TASK, [taskStarted(TASK, 'fix upload lambda')]);
  await journal.record(TASK, callEvents(1));
  await journal.record(TASK, callEvents(2, { decision: 'deny' }));
  await journal.record(
    TASK,
    callEvents(3, { service: 'secretsmanager', operation: 'GetSecretValue', body: SECRET_BODY }),
  );
  return {
    dir,
    journal,
    dispose: async () => {
      await journal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
