import type { JournalEvent } from '../journal/events';
import type { TaskInfo, TaskSessionInfo } from '../protocol';

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

// CloudTrail delivers events minutes after the call, and clocks drift: the window is padded.
const BEFORE_MS = 5 * 60_000;
const AFTER_MS = 15 * 60_000;

/** What the commands need of a task: its STS session and when it ran. */
export type TrailTask = Pick<TaskInfo, 'startedAt' | 'expiresAt' | 'endedAt' | 'session'>;

function lookupEvents(
  key: 'AccessKeyId' | 'Username',
  value: string,
  fromMs: number,
  toMs: number,
  region: string,
): string {
  const start = new Date(fromMs - BEFORE_MS).toISOString();
  const end = new Date(toMs + AFTER_MS).toISOString();
  return `aws cloudtrail lookup-events --lookup-attributes AttributeKey=${key},AttributeValue=${quote(value)} --start-time ${start} --end-time ${end} --region ${quote(region)}`;
}

/**
 * Ready-to-paste `aws cloudtrail lookup-events` commands that find a task's calls in CloudTrail:
 * by each access key id AWS issued the task, and by its role session name (CloudTrail's
 * `Username` for an assumed role). Pure. Empty when the task had no STS session (profile mode).
 */
export function cloudTrailCommands(task: TrailTask, now = new Date()): string[] {
  const s = task.session;
  if (!s) return [];
  const from = Date.parse(task.startedAt);
  const to = Math.min(Date.parse(task.endedAt ?? task.expiresAt), now.getTime());
  return [
    ...s.accessKeyIds.map((k) => lookupEvents('AccessKeyId', k, from, to, s.region)),
    lookupEvents('Username', s.roleSessionName, from, to, s.region),
  ];
}

/** A task as its recording tells it (a journal or a bundle): what `cloudTrailCommands` needs. */
export function trailTaskFromEvents(events: readonly JournalEvent[], taskId: string): TrailTask | undefined {
  let task: { startedAt?: string; expiresAt?: string; endedAt?: string; session?: TaskSessionInfo } = {};
  for (const e of events) {
    if (e.task !== taskId) continue;
    if (e.type === 'task.started') task = { ...task, startedAt: e.ts, expiresAt: e.data.expiresAt };
    else if (e.type === 'task.ended') task.endedAt = e.ts;
    else if (e.type === 'task.session') {
      const d = e.data;
      // Each event lists every key issued so far; be lenient with one that lists only the new one.
      const keys = new Set([...(task.session?.accessKeyIds ?? []), ...d.accessKeyIds]);
      task.session = {
        roleArn: d.roleArn,
        roleSessionName: d.roleSessionName,
        sourceIdentity: d.sourceIdentity,
        accessKeyIds: [...keys],
        sessionPolicy: d.sessionPolicy,
        region: d.region,
      };
    }
  }
  if (!task.startedAt || !task.expiresAt) return undefined;
  return {
    startedAt: task.startedAt,
    expiresAt: task.expiresAt,
    endedAt: task.endedAt,
    session: task.session,
  };
}

/**
 * The command that finds one recorded call in CloudTrail: by the key AWS issued for the session
 * the call was signed with (a role the agent assumed through the gateway has its own, recorded in
 * `task.child`; else the task's session key current at the call), in a window around the call.
 * Undefined when the recording names no AWS key for it (profile mode, a call refused unsigned).
 */
export function cloudTrailCallCommand(
  events: readonly JournalEvent[],
  taskId: string,
  callId: string,
): string | undefined {
  let session: TaskSessionInfo | undefined;
  const children = new Map<string, string>();
  for (const e of events) {
    if (e.task !== taskId) continue;
    if (e.type === 'task.session') session = e.data;
    else if (e.type === 'task.child') children.set(e.data.accessKeyId, e.data.awsAccessKeyId);
    else if (e.type === 'call.request' && e.data.callId === callId) {
      if (!session) return undefined;
      const at = Date.parse(e.ts);
      const key = children.get(e.data.accessKeyId) ?? session.accessKeyIds.at(-1);
      return key ? lookupEvents('AccessKeyId', key, at, at, session.region) : undefined;
    }
  }
  return undefined;
}
