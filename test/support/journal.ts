import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyChain } from '../../gateway/journal/chain';

// Tests read the journal as an outside auditor would: straight from the files.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseEvent = { type: string; seq: number; task: string; data: any };

export async function readJournalEvents(dataDir: string, taskId: string): Promise<LooseEvent[]> {
  const text = await readFile(join(dataDir, 'journal', `${taskId}.jsonl`), 'utf8').catch(() => '');
  const events = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LooseEvent);
  const check = verifyChain(events);
  if (!check.ok)
    throw new Error(`journal chain of ${taskId} does not verify: ${JSON.stringify(check.fault)}`);
  return events;
}
