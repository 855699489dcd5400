import type { TaskInfo } from '../protocol';

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Ready-to-paste `aws cloudtrail lookup-events` commands that find a task's calls in CloudTrail:
 * by each access key id AWS issued the task, and by its role session name (CloudTrail's
 * `Username` for an assumed role). Pure. Empty when the task had no STS session (profile mode).
 */
export function cloudTrailCommands(task: TaskInfo, now = new Date()): string[] {
  const s = task.session;
  if (!s) return [];
  const start = new Date(Date.parse(task.startedAt) - 5 * 60_000).toISOString();
  const end = new Date(
    Math.min(Date.parse(task.endedAt ?? task.expiresAt), now.getTime()) + 15 * 60_000,
  ).toISOString();
  const tail = `--start-time ${start} --end-time ${end} --region ${quote(s.region)}`;
  return [
    ...s.accessKeyIds.map(
      (k) =>
        `aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=${quote(k)} ${tail}`,
    ),
    `aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=${quote(s.roleSessionName)} ${tail}`,
  ];
}
