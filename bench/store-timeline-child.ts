// The timeline's task-list computation, as the extension runs it (TimelineSource.refresh), on a
// data dir: bundled and run as a child by bench/store.ts so its time and peak RSS are its own.
// Prints one JSON line: how long the refresh took and what it counted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AirlockClient } from '../extension/control/airlock-client';
import { TimelineSource } from '../extension/timeline/timeline-source';
import type { TaskInfo } from '../gateway/protocol';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: store-timeline-child DATA_DIR');
  const t0 = performance.now();
  const stored = JSON.parse(await readFile(join(dataDir, 'tasks.json'), 'utf8')) as {
    tasks: Omit<TaskInfo, 'state'>[];
  };
  const tasks: TaskInfo[] = stored.tasks.map((t) => ({ ...t, state: t.endedAt ? 'ended' : 'active' }));
  // What GET /tasks answers; the rest is the extension's own work on the data dir.
  const client = { listTasks: () => Promise.resolve(tasks) } as unknown as AirlockClient;
  const source = new TimelineSource({ dataDir, client: () => client, log: () => undefined });
  await source.refresh();
  const summaries = source.summaries;
  const ms = performance.now() - t0;
  source.dispose();
  const counted = summaries.reduce((a, s) => a + (s.counts?.calls ?? 0), 0);
  process.stdout.write(
    JSON.stringify({ ms: Math.round(ms), tasks: summaries.length, calls: counted }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
