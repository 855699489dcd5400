import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORTED_DIR, readBundleFile } from '../bundle/import-bundle';
import type { JournalEvent } from '../journal/events';
import { readJournalFile } from '../journal/read-journal';
import { describeEndFault } from '../journal/recorded-head';
import { readRecordedHeads } from '../tasks/journal-heads';
import { findCalls, listSessions, type SessionSummary } from '../recording/index-query';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { openIndex } from './recording-store';
import { FILTER_OPTIONS, filterFrom, hasFilter } from './sessions-command';

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

/** Events that belong to the chosen calls: call events by callId, approvals by the call they held. */
function onlyCalls(events: readonly JournalEvent[], callIds: ReadonlySet<string>): JournalEvent[] {
  const approvals = new Set<string>();
  return events.filter((e) => {
    switch (e.type) {
      case 'call.request':
      case 'call.decision':
      case 'call.response':
        return callIds.has(e.data.callId);
      case 'call.error':
        return e.data.callId !== undefined && callIds.has(e.data.callId);
      case 'approval.requested':
        if (!callIds.has(e.data.callId)) return false;
        approvals.add(e.data.approvalId);
        return true;
      case 'approval.decided':
      case 'approval.expired':
        return approvals.has(e.data.approvalId);
      default:
        return false;
    }
  });
}

/** `airlock show TASK`: a session's events (verified as read), optionally only matching calls. */
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
  const index = await openIndex(dataDir);
  const session = pick(listSessions(index.db), wanted);
  const filter = filterFrom(values);
  const callIds = hasFilter(filter)
    ? new Set(findCalls(index.db, { ...filter, session: session.session }).map((c) => c.callId))
    : undefined;
  index.close();
  let events: JournalEvent[];
  const warnings: string[] = [];
  if (session.imported) {
    const v = await readBundleFile(join(dataDir, IMPORTED_DIR, `${session.session}.airlock`), true);
    if (!v.ok)
      throw new CliError(`The imported bundle of ${session.session} no longer verifies: ${v.fault.message}`);
    if (v.incomplete) warnings.push(v.incomplete);
    events = v.events ?? [];
  } else {
    // The recorded head first: it can only lag the journal read after it, never lead it.
    const heads = await readRecordedHeads(dataDir);
    const c = await readJournalFile(join(dataDir, 'journal', `${session.taskId}.jsonl`), {
      recorded: heads.get(session.taskId),
    });
    if (c.endFault) warnings.push(describeEndFault(session.taskId, c.endFault));
    if (c.fault)
      warnings.push(
        `the journal fails verification at line ${c.fault.line} (${c.fault.kind}); showing the verified part`,
      );
    if (heads.missing) warnings.push(`${heads.file} is missing: the journal's end cannot be checked`);
    events = c.events;
  }
  for (const w of warnings) process.stderr.write(`airlock: warning: ${w}\n`);
  const shown = callIds ? onlyCalls(events, callIds) : events;
  if (values.json) {
    process.stdout.write(
      JSON.stringify({ session, events: shown, ...(warnings.length ? { warnings } : {}) }, null, 2) + '\n',
    );
    return 0;
  }
  for (const e of shown) process.stdout.write(`${e.seq}  ${e.ts}  ${e.type}  ${JSON.stringify(e.data)}\n`);
  return 0;
}
