import { parseArgs } from 'node:util';
import type { CallFilter } from '../recording/index-query';
import { CliError } from './cli-error';
import { resolveDataDir } from './data-dir-option';
import { openIndex, readTaskStates } from './recording-store';

export const FILTER_OPTIONS = {
  service: { type: 'string' },
  action: { type: 'string' },
  decision: { type: 'string' },
  status: { type: 'string' },
  identity: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  text: { type: 'string' },
} as const;

export function filterFrom(values: Partial<Record<keyof typeof FILTER_OPTIONS, string>>): CallFilter {
  const d = values.decision;
  if (d !== undefined && d !== 'allow' && d !== 'deny')
    throw new CliError('--decision must be allow or deny', 2);
  const time = (v: string | undefined, flag: string): string | undefined => {
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new CliError(`${flag} must be a date/time, e.g. 2026-05-01T10:00:00Z`, 2);
    return new Date(t).toISOString();
  };
  return {
    service: values.service,
    action: values.action,
    decision: d,
    status: values.status,
    identity: values.identity,
    since: time(values.since, '--since'),
    until: time(values.until, '--until'),
    text: values.text,
  };
}

export function hasFilter(f: CallFilter): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

/** `airlock sessions`: every recorded task (local and imported) with its counts. */
export async function runSessionsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const dataDir = resolveDataDir(values['data-dir']);
  const index = await openIndex(dataDir, 'summaries');
  const states = await readTaskStates(dataDir);
  const sessions = index.sessions().map((s) => ({
    ...s,
    state: s.imported ? 'imported' : (states.get(s.taskId)?.state ?? (s.endedAt ? 'ended' : 'unknown')),
  }));
  const report = index.lastSync;
  index.close();
  // Said in both modes, on stderr: what the list cannot show (a journal that is gone entirely).
  for (const m of report?.missing ?? []) process.stderr.write(`airlock: warning: ${m.message}\n`);
  if (report?.headsUnchecked) process.stderr.write(`airlock: warning: ${report.headsUnchecked}\n`);
  if (values.json) {
    process.stdout.write(JSON.stringify(sessions, null, 2) + '\n');
    return 0;
  }
  if (sessions.length === 0) process.stdout.write('no recorded sessions\n');
  for (const s of sessions) {
    const who = s.imported ? `imported, signed by ${s.signer ?? '?'}` : s.state;
    process.stdout.write(
      `${s.session}  ${who.padEnd(8)}  ${s.startedAt ?? s.firstEventAt ?? ''}  calls ${s.calls} (allowed ${s.allowed}, denied ${s.denied}, errors ${s.errors})  ${s.name ?? ''}${s.fault ? `  [${s.imported ? 'bundle' : 'journal'} fault: ${s.fault}]` : ''}\n`,
    );
  }
  return 0;
}

/** `airlock calls`: calls across every session, by service, action, decision, status, identity, time, text. */
export async function runCallsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      session: { type: 'string' },
      limit: { type: 'string' },
      ...FILTER_OPTIONS,
    },
    strict: true,
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
    throw new CliError('--limit must be a positive whole number', 2);
  const index = await openIndex(resolveDataDir(values['data-dir']), 'calls');
  const calls = await index.findCalls({ ...filterFrom(values), session: values.session, limit });
  await index.save().catch(() => undefined);
  index.close();
  if (values.json) {
    process.stdout.write(JSON.stringify(calls, null, 2) + '\n');
    return 0;
  }
  for (const c of calls)
    process.stdout.write(
      `${c.ts}  ${c.session}  ${(c.decision ?? '-').padEnd(5)}  ${String(c.status ?? '-').padEnd(3)}  ${c.actions.join(',') || c.service || '?'}  ${c.errorCode ?? ''}\n`,
    );
  if (calls.length === 0) process.stdout.write('no matching calls\n');
  return 0;
}
