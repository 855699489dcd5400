import {
  cloudTrailCallCommand,
  cloudTrailCommands,
  trailTaskFromEvents,
} from '../../gateway/identity/cloudtrail-command';
import type { RecordedEvents } from './review-answer';

/** What "Copy CloudTrail command" puts on the clipboard, or why there is nothing to copy. */
export type CloudTrailCopy = { readonly text: string; readonly note: string } | { readonly error: string };

/**
 * The `aws cloudtrail lookup-events` command(s) for a task (the same ones `airlock task trail`
 * prints) or for one of its calls, read from the task's recording so a bundle gives them too.
 */
export async function cloudTrailCopy(
  recorded: RecordedEvents | undefined,
  taskId: string,
  callId?: string,
): Promise<CloudTrailCopy> {
  if (!recorded) return { error: 'This view has no recording to find CloudTrail records from.' };
  const { events } = await recorded(taskId);
  const noSession =
    'had no STS session of its own (profile mode): CloudTrail names the AWS profile, not the task.';
  if (callId !== undefined) {
    const text = cloudTrailCallCommand(events, taskId, callId);
    return text
      ? { text, note: 'Copied the CloudTrail lookup-events command for this call.' }
      : { error: `The recording names no AWS key for this call: the task ${noSession}` };
  }
  const task = trailTaskFromEvents(events, taskId);
  const commands = task ? cloudTrailCommands(task) : [];
  if (commands.length === 0) return { error: `Task ${taskId} ${noSession}` };
  return {
    text: commands.join('\n'),
    note: `Copied ${commands.length} CloudTrail lookup-events commands for task ${taskId}.`,
  };
}
