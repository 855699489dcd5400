import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORTED_DIR, readBundleFile } from '../bundle/import-bundle';
import type { JournalEvent } from '../journal/events';
import { eventOf, streamJournal } from '../journal/stream-journal';
import type { SessionSummary } from '../recording/index-query';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { openIndex } from './recording-store';
import { FILTER_OPTIONS, filterFrom, hasFilter } from './sessions-command';
import { ShowOutput } from './show-output';

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

/** Keeps the events that belong to the chosen calls: call events by callId, approvals by the call they held. */
function onlyCalls(callIds: ReadonlySet<string>): (e: JournalEvent) => boolean {
  const approvals = new Set<string>();
  return (e) => {
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
  };
}

/**
 * `airlock show TASK`: a session's events (verified as read), optionally only matching calls.
 * A journal is streamed, verified block by block, and printed as it goes, so a session of a
 * million calls takes the memory of a block, not of the session.
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
  const keep = filtered
    ? onlyCalls(
        new Set((await index.findCalls({ ...filter, session: session.session })).map((c) => c.callId)),
      )
    : () => true;
  await index.save().catch(() => undefined);
  index.close();
  const out = new ShowOutput(process.stdout, values.json, session);
  if (session.imported) {
    const v = await readBundleFile(join(dataDir, IMPORTED_DIR, `${session.session}.airlock`), true);
    if (!v.ok)
      throw new CliError(`The imported bundle of ${session.session} no longer verifies: ${v.fault.message}`);
    for (const e of v.events ?? []) if (keep(e)) out.event(e);
  } else {
    const r = await streamJournal(
      join(dataDir, 'journal', `${session.taskId}.jsonl`),
      (line, buf) => {
        const e = eventOf(line, buf);
        if (keep(e)) out.event(e);
      },
      { afterBlock: () => out.drain() },
    );
    if (r.fault)
      process.stderr.write(
        `airlock: warning: the journal fails verification at line ${r.fault.line} (${r.fault.kind}); showing the verified part\n`,
      );
  }
  await out.end();
  return 0;
}
