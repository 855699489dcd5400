import type { EventBody } from '../journal/events';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';

/**
 * Journals the answer to a decided call (its call.response event). The call's one durability
 * point was its request and decision, made durable before anything was forwarded; by default the
 * answer joins the next group commit and the agent does not wait for its fdatasync. A crash in
 * that window leaves the call with a request and no response, which every reader shows as
 * "outcome not recorded: the gateway stopped" (recording/unanswered-calls.ts). With
 * `syncResponses` (`--sync-responses`) the answer waits until its record is on disk, as it did
 * before. Rejects when the event cannot be recorded at all (the answer is then withheld); a
 * failed group commit after the answer went out is logged, and the next call's own durable
 * request fails closed.
 */
export async function recordResponse(
  ctx: CallContext,
  deps: PipelineDeps,
  taskId: string,
  event: EventBody,
): Promise<void> {
  try {
    if (deps.syncResponses) {
      await deps.journal.record(taskId, [event]);
      return;
    }
    const { durable } = await deps.journal.queue(taskId, [event]);
    ctx.responseDurable = durable.catch((e: unknown) =>
      deps.log.log('error', 'a response event was not made durable; the call reads as not recorded', {
        callId: ctx.callId,
        error: String(e),
      }),
    );
  } catch (e) {
    deps.log.log('error', 'could not record a response; withholding it', {
      callId: ctx.callId,
      error: String(e),
    });
    throw e;
  }
}
