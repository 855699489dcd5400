import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORTED_DIR, readBundleFile } from '../bundle/import-bundle';
import type { ChainFault } from '../journal/chain';
import type { JournalEvent } from '../journal/events';
import { checkEnd, describeEndFault } from '../journal/recorded-head';
import { eventOf, streamJournal } from '../journal/stream-journal';
import type { SessionSummary } from '../recording/index-query';
import { UnansweredCalls } from '../recording/unanswered-calls';
import { runningGatewaySince } from '../server/data-dir-lock';
import { readRecordedHeads } from '../tasks/journal-heads';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { openIndex } from './recording-store';
import { FILTER_OPTIONS, filterFrom, hasFilter } from './sessions-command';
import { ShowOutput } from './show-output';
import { onlyCalls, printMatchingRanges } from './show-ranges';

/** Ranges are read in smaller blocks than whole journals: reading stops at a block's end. */
const RANGE_BLOCK_BYTES = 256 * 1024;

function pick(sessions: readonly SessionSummary[], wanted: string): SessionSummary {
  const exact = sessions.find((s) => s.session === wanted);
  if (exact) return exact;
  const byTask = sessions.filter((s) => s.taskId === wanted);
  const local = byTask.find((s) => !s.imported);
  if (local) return local;
  if (byTask.length === 1 && byTask[0]) return byTask[0];
  if (byTask.length > 1)
    throw new CliError(
      `${wanted} was imported more than once; name one of: ${byTask.map((s) => s.session).join(', ')}`,
      2,
    );
  throw new CliError(`No recorded session ${wanted} (see: airlock sessions)`, 1);
}

/**
 * `airlock show TASK`: a session's events (verified as read), optionally only matching calls.
 * A journal is streamed, verified block by block, and printed as it goes, so a session of a
 * million calls takes the memory of a block, not of the session; with filters, only the parts
 * of it where the matching calls are recorded are read (the call index knows where).
 */
export async function runShowCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, ...FILTER_OPTIONS },
    allowPositionals: true,
    strict: true,
  });
  const wanted = positionals[0];
  if (!wanted) throw new CliError('show needs a task id (see: airlock sessions)', 2);
  const dataDir = resolveDataDir(values['data-dir']);
  const filter = filterFrom(values);
  const filtered = hasFilter(filter);
  const index = await openIndex(dataDir, filtered ? 'calls' : 'summaries');
  const session = pick(index.sessions(), wanted);
  const found = filtered ? await index.findCallsByChunk({ ...filter, session: session.session }) : undefined;
  const keep = found ? onlyCalls(new Set(found.rows.map((c) => c.callId))) : () => true;
  const endFault = index.endFaultOf(session.session);
  const chainFault = index.chainFaultOf(session.session);
  await index.save().catch(() => undefined);
  index.close();
  const out = new ShowOutput(process.stdout, values.json, session);
  const warnings: string[] = [];
  // A call may still be in flight only in a journal the gateway running now is writing.
  const unanswered = new UnansweredCalls(session.imported ? undefined : await runningGatewaySince(dataDir));
  const print = (e: JournalEvent): void => {
    unanswered.add(e);
    out.event(e);
  };
  if (session.imported) {
    const v = await readBundleFile(join(dataDir, IMPORTED_DIR, `${session.session}.airlock`), true);
    if (!v.ok)
      throw new CliError(`The imported bundle of ${session.session} no longer verifies: ${v.fault.message}`);
    if (v.incomplete) warnings.push(v.incomplete);
    for (const e of v.events ?? []) if (keep(e)) print(e);
  } else {
    const file = join(dataDir, 'journal', `${session.taskId}.jsonl`);
    // The recorded head first: it can only lag the journal read after it, never lead it.
    const heads = await readRecordedHeads(dataDir);
    const recorded = heads.get(session.taskId);
    let hashAtRecorded: string | undefined;
    let fault: ChainFault | undefined;
    if (found) {
      // Filtered: only the stretches of the journal where the matching calls are (see
      // show-ranges); its end was checked by the index when it caught up with the journal.
      fault = await printMatchingRanges(file, found.hits, keep, print, () => out.drain(), RANGE_BLOCK_BYTES);
      if (endFault) warnings.push(endFault);
    } else {
      const r = await streamJournal(
        file,
        (line, buf) => {
          if (line.seq === recorded?.seq) hashAtRecorded = line.hash;
          const e = eventOf(line, buf);
          if (keep(e)) print(e);
        },
        { afterBlock: () => out.drain() },
      );
      fault = r.fault;
      const f = checkEnd(r.head, recorded, hashAtRecorded);
      if (f) warnings.push(describeEndFault(session.taskId, f));
    }
    if (fault)
      warnings.push(
        `the journal fails verification at line ${fault.line} (${fault.kind}); showing the verified part`,
      );
    else if (chainFault)
      warnings.push(`the journal fails verification (${chainFault}); showing the verified part`);
    if (heads.missing) warnings.push(`${heads.file} is missing: the journal's end cannot be checked`);
  }
  for (const w of warnings) process.stderr.write(`airlock: warning: ${w}\n`);
  await out.end(warnings, unanswered.result());
  return 0;
}
