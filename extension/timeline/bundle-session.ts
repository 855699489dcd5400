import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import type { BundleTask } from '../../gateway/bundle/format';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import type { TaskState } from '../../gateway/protocol';
import { summarizeTask } from '../../webview/src/model/task-summary';
import type { BodyDetail, BundleVerification, TaskSummary, WireEvent } from '../../webview/src/protocol';
import { detailFrom, toWire } from './wire-events';

/** A `.airlock` file opened for viewing: what verification said, and what can be shown. */
export interface BundleSession {
  readonly sessionId: string;
  readonly summary: TaskSummary;
  readonly events: readonly WireEvent[];
  readonly verification: BundleVerification & { state: 'verified' | 'failed' };
  detail(callId: string): { request?: BodyDetail; response?: BodyDetail };
}

const STATES = new Set<TaskState>(['active', 'ended', 'expired']);

function taskInfo(
  t: BundleTask | undefined,
  sessionId: string,
  events: readonly WireEvent[],
): TaskSummary['task'] {
  return {
    taskId: sessionId,
    name: t?.name ?? t?.taskId ?? 'unreadable bundle',
    accessKeyId: '',
    startedBy: t?.startedBy ?? '',
    agent: t?.agent,
    workspace: t?.workspace,
    startedAt: t?.startedAt ?? events[0]?.ts ?? new Date(0).toISOString(),
    expiresAt: t?.expiresAt ?? '',
    endedAt: t?.endedAt,
    // Kept as exported: a task still running then reads "running at export" in the timeline.
    state: t?.state && STATES.has(t.state as TaskState) ? (t.state as TaskState) : 'ended',
  };
}

/**
 * What a bundle that failed verification still holds, read without trusting it: the header's
 * task and each event line that parses. Shown under the failure banner, so a reader can see
 * which call the broken part is about; nothing of it counts as verified.
 */
function unverifiedContents(buf: Buffer): { task?: BundleTask; raws: unknown[] } {
  const nl = buf.indexOf(0x0a);
  let text: string;
  try {
    text = zlib.gunzipSync(buf.subarray(nl + 1)).toString('utf8');
  } catch {
    return { raws: [] };
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  let task: BundleTask | undefined;
  try {
    task = (JSON.parse(lines[0] ?? '') as { task?: BundleTask }).task;
  } catch {
    task = undefined;
  }
  const raws: unknown[] = [];
  for (const line of lines.slice(1)) {
    if (line.startsWith('{"signature":')) continue;
    try {
      raws.push(JSON.parse(line));
    } catch {
      // an edited line that is no longer JSON: nothing to show for it
    }
  }
  return { task, raws };
}

/** Verifies a bundle in process (gateway/bundle/verify-bundle.ts) and prepares it for the timeline. */
export async function openBundleFile(file: string, sessionId?: string): Promise<BundleSession> {
  return openBundle(await readFile(file), sessionId);
}

export async function openBundle(buf: Buffer, sessionId?: string): Promise<BundleSession> {
  const v = await verifyBundle(buf, { keepEvents: true });
  let raws: readonly unknown[];
  let task: BundleTask | undefined;
  let verification: BundleSession['verification'];
  if (v.ok) {
    raws = v.events ?? [];
    task = v.header.task;
    verification = { state: 'verified', fingerprint: v.fingerprint, exportedAt: v.header.createdAt };
  } else {
    ({ raws, task } = unverifiedContents(buf));
    verification = { state: 'failed', code: v.fault.kind, message: v.fault.message };
  }
  const events: WireEvent[] = [];
  const bodies = new Map<string, unknown[]>();
  for (const raw of raws) {
    const s = toWire(raw);
    if (!s) continue;
    events.push(s.wire);
    if (s.bodyOf) bodies.set(s.bodyOf, [...(bodies.get(s.bodyOf) ?? []), raw]);
  }
  const id = sessionId ?? task?.taskId ?? 'bundle';
  const { counts, lastEventAt } = summarizeTask(events);
  const summary: TaskSummary = {
    task: taskInfo(task, id, events),
    counts,
    lastEventAt,
    imported: {
      signer: {
        fingerprint: verification.state === 'verified' ? verification.fingerprint : '',
        verified: verification.state === 'verified',
      },
    },
  };
  return {
    sessionId: id,
    summary,
    events,
    verification,
    detail: (callId) => detailFrom(bodies.get(callId) ?? []),
  };
}
