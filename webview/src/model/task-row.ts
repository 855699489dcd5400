/** What one row of the task list says about its task: pure, so the list only lays it out. */
import type { TaskSummary } from '../protocol';
import { formatDateTime, formatDuration, plural } from './format';

/** What the row's context menu offers (package.json `webview/context`, keyed on these). */
export function menuContext(t: TaskSummary): string {
  return JSON.stringify({
    webviewSection: 'task',
    taskId: t.task.taskId,
    imported: t.imported !== undefined,
    endable: t.endable === true,
    preventDefaultContextMenuItems: true,
  });
}

/** The task's limits in words: when its key stops working, and what it may do. */
export function limits(t: TaskSummary, now: number): string {
  if (t.imported) return '';
  const scope = t.task.scope === undefined ? 'any call no rule denies' : 'its own scope';
  if (t.task.state !== 'active') return `scope: ${scope}`;
  const expires = Date.parse(t.task.expiresAt);
  // A time of day alone would read as today: further away, the date says when.
  const at =
    Math.abs(expires - now) < 12 * 3600_000
      ? new Date(expires).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : formatDateTime(expires);
  return `key expires ${at} · scope: ${scope}`;
}

export function displayName(t: TaskSummary): string {
  return t.imported ? `Imported: ${t.task.name}` : t.task.name;
}

export function duration(t: TaskSummary, now: number): string {
  const start = Date.parse(t.task.startedAt);
  const last = Date.parse(t.lastEventAt ?? t.task.startedAt);
  if (t.task.endedAt) return formatDuration(Date.parse(t.task.endedAt) - start);
  // Running: up to now (or the last event, should the clocks disagree).
  // An imported bundle stopped at its export, whatever its task did afterwards.
  if (t.task.state === 'active' && t.imported) return `${formatDuration(last - start)}, running at export`;
  if (t.task.state === 'active') return `running ${formatDuration(Math.max(now, last) - start)}`;
  return formatDuration(last - start);
}

export function label(t: TaskSummary, now: number): string {
  const c = t.counts;
  const counts = c
    ? `${plural(c.calls, 'call')}, ${c.denied} denied, ${c.approved} approved, ${c.masked} masked, ${c.pending} waiting for approval`
    : 'calls not counted yet';
  const signer = t.imported
    ? `, imported bundle signed by ${t.imported.signer.name ?? t.imported.signer.fingerprint}`
    : '';
  return `${displayName(t)}, ${t.imported ? 'imported' : t.task.state}, ${duration(t, now)}, ${counts}${signer}`;
}
