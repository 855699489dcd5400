/**
 * A recorded session's verified events, read straight from the data directory for reviews,
 * policy suggestions and what-ifs: a local task's journal (checked against the head the gateway
 * recorded for it), an imported bundle, or a bundle file given by path (verified as read). The
 * recording index is not consulted: journals and bundles are the record.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IMPORTED_DIR } from '../bundle/import-bundle';
import type { BundlePolicy } from '../bundle/format';
import { verifyBundle } from '../bundle/verify-bundle';
import type { JournalEvent } from '../journal/events';
import type { TaskReview } from '../review/review-types';
import { readJournalFile } from '../journal/read-journal';
import { describeEndFault } from '../journal/recorded-head';
import { neededEvents } from '../review/needed-events';
import { readRecordedHeads } from '../tasks/journal-heads';
import { CliError } from './cli-error';
import { signerTrustFor } from './signer-trust-source';

export interface LoadedSession {
  /** The task id, or `TASK@signer` for an imported bundle, or the bundle's path. */
  readonly session: string;
  readonly source: 'journal' | 'imported' | 'bundle';
  readonly events: JournalEvent[];
  /** What a bundle's signed header says about the policy in force (bundles only). */
  readonly policy?: BundlePolicy;
  /** The review a bundle carries, checked equal to the one its events give (bundles from version 2). */
  readonly review?: TaskReview;
  readonly warnings: readonly string[];
}

type Purpose = Parameters<typeof neededEvents>[0];

const SAFE = /^[A-Za-z0-9_.@-]{1,160}$/;

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function loadBundle(
  dataDir: string,
  file: string,
  session: string,
  source: 'imported' | 'bundle',
): Promise<LoadedSession> {
  // Trusted as `verify` and `import` trust: this data dir's own key and the pinned signers.
  const trust = source === 'bundle' ? await signerTrustFor(dataDir) : undefined;
  const v = await verifyBundle(await readFile(file), { keepEvents: true, trust });
  if (!v.ok) throw new CliError(`${session} does not verify: ${v.fault.message}`);
  const warnings: string[] = [];
  if (v.incomplete) warnings.push(v.incomplete);
  if (v.reviewNote) warnings.push(v.reviewNote);
  if (source === 'bundle' && !v.signer.known)
    warnings.push(`${file} is signed by ${v.fingerprint}, a key this airlock does not know`);
  return { session, source, events: v.events ?? [], policy: v.header.policy, review: v.review, warnings };
}

async function loadJournal(dataDir: string, taskId: string, purpose: Purpose): Promise<LoadedSession> {
  // The recorded head first: it can only lag the journal read after it, never lead it.
  const heads = await readRecordedHeads(dataDir);
  const c = await readJournalFile(join(dataDir, 'journal', `${taskId}.jsonl`), {
    recorded: heads.get(taskId),
    select: neededEvents(purpose),
  });
  const warnings: string[] = [];
  if (c.endFault) warnings.push(describeEndFault(taskId, c.endFault));
  if (c.fault)
    warnings.push(
      `the journal fails verification at line ${c.fault.line} (${c.fault.kind}); using the verified part`,
    );
  return { session: taskId, source: 'journal', events: c.events, warnings };
}

/**
 * A session by task id, imported session id (`TASK@signer`), or path to a `.airlock` file. A
 * journal is read for `purpose`: only the events it needs are parsed (all are verified).
 */
export async function loadSession(dataDir: string, wanted: string, purpose: Purpose): Promise<LoadedSession> {
  if (wanted.endsWith('.airlock') && (await exists(wanted)))
    return loadBundle(dataDir, wanted, wanted, 'bundle');
  if (!SAFE.test(wanted)) throw new CliError(`"${wanted}" is not a task id (see: airlock sessions)`, 2);
  if (!wanted.includes('@') && (await exists(join(dataDir, 'journal', `${wanted}.jsonl`))))
    return loadJournal(dataDir, wanted, purpose);
  const dir = join(dataDir, IMPORTED_DIR);
  const files = await readdir(dir).catch(() => [] as string[]);
  const exact = files.find((f) => f === `${wanted}.airlock`);
  const matches = exact ? [exact] : files.filter((f) => f.startsWith(`${wanted}@`) && f.endsWith('.airlock'));
  const first = matches[0];
  if (matches.length > 1)
    throw new CliError(
      `${wanted} was imported more than once; name one of: ${matches.map((f) => f.slice(0, -8)).join(', ')}`,
      2,
    );
  if (first === undefined) throw new CliError(`No recorded session ${wanted} (see: airlock sessions)`, 1);
  return loadBundle(dataDir, join(dir, first), first.slice(0, -'.airlock'.length), 'imported');
}

/** Every local task with a journal, oldest file name order (task ids sort by creation). */
export async function localTaskIds(dataDir: string): Promise<string[]> {
  const files = await readdir(join(dataDir, 'journal')).catch(() => [] as string[]);
  return files
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
}

export function printWarnings(s: LoadedSession): void {
  for (const w of s.warnings) process.stderr.write(`airlock: warning: ${s.session}: ${w}\n`);
}
