// A synthetic store for the query bench (bench/store.ts): several tasks' journals written through
// the real journal writer, in the gateway's event format, with a realistic mix of calls.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBody } from '../gateway/journal/events';
import { Journal } from '../gateway/journal/journal';
import { call } from './store-call-mix';
import { taskStarted } from './store-event-bodies';

/** How the calls are shared between tasks (the first, biggest, is what `show` is measured on). */
const TASK_SHARES = [0.34, 0.22, 0.16, 0.12, 0.1, 0.06];
/** How many calls of the rare service, spread over the whole store. */
export const RARE_CALLS = 24;

export interface GeneratedStore {
  readonly tasks: readonly { readonly taskId: string; readonly calls: number }[];
  readonly calls: number;
  readonly events: number;
}

/** What the generator needs of the gateway: the journal, and optionally its summary writer. */
export interface StoreWriter {
  readonly journal: Journal;
  close(): Promise<void>;
}

/**
 * Writes `calls` calls over six tasks, interleaved in batches (tasks that run at the same time,
 * the hardest case for time-ordered queries), then ends all but the first. `tail` more calls go
 * to the biggest task after the writer is closed with `closeWriter: false` semantics left to the
 * caller (see bench/store.ts: the recent bytes a crash leaves unsummarised).
 */
export async function generateStore(
  dataDir: string,
  calls: number,
  writer: StoreWriter,
  batchCalls = 1000,
): Promise<GeneratedStore> {
  const tasks = TASK_SHARES.map((share, i) => ({
    taskId: `t-bench-store-${i}`,
    calls: i === 0 ? 0 : Math.floor(calls * share),
  }));
  const first = tasks[0];
  if (!first) throw new Error('no tasks');
  first.calls = calls - tasks.slice(1).reduce((a, t) => a + t.calls, 0);
  const rareEvery = Math.max(1, Math.floor(calls / RARE_CALLS));
  // A GetItem call (see call() in store-call-mix.ts: n % 200 >= 80) about 61% of the way in.
  const wordAt = Math.floor((calls * 0.61) / 200) * 200 + 150;
  const j = writer.journal;
  let events = 0;
  for (const [i, t] of tasks.entries()) {
    await j.record(t.taskId, [taskStarted(t.taskId, i)]);
    events++;
  }
  const written = tasks.map(() => 0);
  let n = 0;
  while (n < calls) {
    for (const [i, t] of tasks.entries()) {
      const take = Math.min(batchCalls, t.calls - (written[i] ?? 0));
      if (take <= 0) continue;
      const batch: EventBody[] = [];
      for (let k = 0; k < take; k++, n++) batch.push(...call(n, n % rareEvery === rareEvery - 1, wordAt));
      written[i] = (written[i] ?? 0) + take;
      await j.record(t.taskId, batch);
      events += batch.length;
    }
  }
  for (const t of tasks.slice(1)) {
    await j.record(t.taskId, [{ type: 'task.ended', data: { taskId: t.taskId, reason: 'ended' } }]);
    events++;
  }
  const now = Date.now();
  await writeFile(
    join(dataDir, 'tasks.json'),
    JSON.stringify({
      tasks: tasks.map((t, i) => ({
        taskId: t.taskId,
        name: `bench task ${i}`,
        accessKeyId: `AKALBENCH${String(i).padStart(11, '0')}`,
        startedBy: 'dev',
        startedAt: new Date(now - 3600_000).toISOString(),
        expiresAt: '2030-01-01T00:00:00.000Z',
        endedAt: i === 0 ? undefined : new Date(now).toISOString(),
      })),
    }),
  );
  return { tasks, calls, events };
}

/** More calls on one task (after the summaries were last written: what a crash leaves behind). */
export async function appendCalls(
  journal: Journal,
  taskId: string,
  from: number,
  count: number,
): Promise<number> {
  const batch: EventBody[] = [];
  for (let n = from; n < from + count; n++) batch.push(...call(n, false, -1));
  await journal.record(taskId, batch);
  return batch.length;
}
