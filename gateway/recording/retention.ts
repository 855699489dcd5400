import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskInfo } from '../protocol';
import { summaryFile } from './summary-checkpoint';

export interface RetentionPolicy {
  /** Ended (or expired) tasks whose end is older than this are pruned. */
  readonly maxAgeDays?: number;
  /** Beyond this total journal size, the oldest ended tasks are pruned until under it. */
  readonly maxTotalBytes?: number;
}

export interface PruneResult {
  readonly removed: readonly string[];
  readonly freedBytes: number;
  readonly totalBytes: number;
}

interface Candidate {
  readonly taskId: string;
  readonly file: string;
  readonly size: number;
  readonly endedAt: number;
}

/**
 * Retention: deletes the recordings of ended tasks past the configured age, then the oldest ended
 * ones while the store is over its size budget. An active task is never pruned, whatever its age
 * or size, and neither is a recording whose task the registry does not know (it is not ours to
 * judge) nor the gateway's own stream. `release` lets the gateway close a file it still holds.
 */
export async function pruneRecordings(
  dataDir: string,
  tasks: readonly TaskInfo[],
  policy: RetentionPolicy,
  release: (taskId: string) => Promise<void> = () => Promise.resolve(),
  now = Date.now(),
): Promise<PruneResult> {
  const dir = join(dataDir, 'journal');
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const names = await readdir(dir).catch(() => [] as string[]);
  const ended: Candidate[] = [];
  let totalBytes = 0;
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const file = join(dir, name);
    const st = await stat(file).catch(() => undefined);
    if (!st) continue;
    totalBytes += st.size;
    const t = byId.get(name.slice(0, -'.jsonl'.length));
    if (!t || t.state === 'active') continue;
    const end = Date.parse(t.endedAt ?? t.expiresAt);
    ended.push({ taskId: t.taskId, file, size: st.size, endedAt: Number.isNaN(end) ? now : end });
  }
  ended.sort((a, b) => a.endedAt - b.endedAt);
  const removed: string[] = [];
  let freedBytes = 0;
  const remove = async (c: Candidate): Promise<void> => {
    await release(c.taskId);
    await unlink(c.file).catch(() => undefined);
    await unlink(summaryFile(dataDir, c.taskId)).catch(() => undefined);
    removed.push(c.taskId);
    freedBytes += c.size;
  };
  const maxAgeMs =
    policy.maxAgeDays !== undefined && policy.maxAgeDays > 0 ? policy.maxAgeDays * 86_400_000 : undefined;
  const keep: Candidate[] = [];
  for (const c of ended) {
    if (maxAgeMs !== undefined && now - c.endedAt > maxAgeMs) await remove(c);
    else keep.push(c);
  }
  if (policy.maxTotalBytes !== undefined && policy.maxTotalBytes > 0) {
    for (const c of keep) {
      if (totalBytes - freedBytes <= policy.maxTotalBytes) break;
      await remove(c);
    }
  }
  return { removed, freedBytes, totalBytes: totalBytes - freedBytes };
}
