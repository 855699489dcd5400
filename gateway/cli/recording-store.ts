import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskState } from '../protocol';
import { RecordingIndex } from '../recording/recording-index';
import { TaskRegistry } from '../tasks/task-registry';

/**
 * The CLI reads recordings straight from the data directory (same OS user as the gateway): the
 * journals are append-only and verified as they are read, so this works whether or not a gateway
 * is running (after a crash, on a copied data dir), and needs no control endpoint. `summaries`
 * only (for `sessions`) costs the recent bytes of each journal; `calls` also catches the call
 * index up, which reads whatever was appended since the last query.
 */
export async function openIndex(dataDir: string, need: 'summaries' | 'calls'): Promise<RecordingIndex> {
  // Calls per chunk of the call index: a tuning knob for measurements (bench/store.ts).
  const chunkCalls = Number(process.env.AIRLOCK_INDEX_CHUNK_CALLS) || undefined;
  const index = await RecordingIndex.open(dataDir, { chunkCalls });
  if (need === 'calls') await index.sync();
  else await index.syncSummaries();
  // The catalog only speeds up the next command; failing to write it costs nothing.
  await index.save().catch(() => undefined);
  return index;
}

export interface RegistryEntry {
  readonly state: TaskState;
  readonly endedAt?: string;
}

/** Task states from `<dataDir>/tasks.json` (no secrets in it), by task id. */
export async function readTaskStates(dataDir: string, now = Date.now()): Promise<Map<string, RegistryEntry>> {
  const out = new Map<string, RegistryEntry>();
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, 'tasks.json'), 'utf8')) as {
      tasks?: { taskId: string; expiresAt: string; endedAt?: string }[];
    };
    for (const t of parsed.tasks ?? [])
      out.set(t.taskId, { state: TaskRegistry.stateOf(t, now), endedAt: t.endedAt });
  } catch {
    // No registry (an imported-only store): states stay unknown.
  }
  return out;
}
