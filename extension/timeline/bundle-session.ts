import { readFile } from 'node:fs/promises';
import type { BundleTask } from '../../gateway/bundle/format';
import { readUnverified } from '../../gateway/bundle/read-unverified';
import type { SignerTrust } from '../../gateway/bundle/signer-trust';
import { verifyBundle } from '../../gateway/bundle/verify-bundle';
import type { JournalEvent } from '../../gateway/journal/events';
import type { TaskReview } from '../../gateway/review/review-types';
import type { TaskState } from '../../gateway/protocol';
import { summarizeTask } from '../../webview/src/model/task-summary';
import type { BodyDetail, BundleVerification, TaskSummary, WireEvent } from '../../webview/src/protocol';
import { detailFrom, toWire } from './wire-events';

/** A `.airlock` file opened for viewing: what verification said, and what can be shown. */
export interface BundleSession {
  readonly sessionId: string;
  /** Always marked imported, with its signer (verified or not). */
  readonly summary: TaskSummary & { readonly imported: NonNullable<TaskSummary['imported']> };
  readonly events: readonly WireEvent[];
  /** The bundle's events as verified (chain and signature), for its access review; absent when it failed. */
  readonly verifiedEvents?: readonly JournalEvent[];
  /** The review the bundle carries (checked against its events), or why it is not shown. */
  readonly carriedReview?: TaskReview;
  readonly reviewNote?: string;
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

/** The calls the given events (by seq) belong to, in order of first appearance. */
function callsOf(raws: readonly unknown[], seqs: readonly number[]): string[] {
  const wanted = new Set(seqs);
  const calls = new Set<string>();
  for (const raw of raws) {
    const w = toWire(raw)?.wire;
    if (w?.seq === undefined || !wanted.has(w.seq)) continue;
    const data = w.data as { callId?: unknown } | undefined;
    if (typeof data?.callId === 'string') calls.add(data.callId);
  }
  return [...calls];
}

/** Verifies a bundle in process (gateway/bundle/verify-bundle.ts) and prepares it for the timeline. */
export async function openBundleFile(
  file: string,
  sessionId?: string,
  trust?: SignerTrust,
): Promise<BundleSession> {
  return openBundle(await readFile(file), sessionId, trust);
}

/** `trust` says whose keys count as known signers; without it every signer is unknown. */
export async function openBundle(
  buf: Buffer,
  sessionId?: string,
  trust?: SignerTrust,
): Promise<BundleSession> {
  const v = await verifyBundle(buf, { keepEvents: true, trust, locateChanges: true });
  let raws: readonly unknown[];
  let task: BundleTask | undefined;
  let verification: BundleSession['verification'];
  if (v.ok) {
    raws = v.events ?? [];
    task = v.header.task;
    verification = {
      state: 'verified',
      fingerprint: v.fingerprint,
      signer: v.signer.name,
      known: v.signer.known,
      incomplete: v.incomplete,
      exportedAt: v.header.createdAt,
    };
  } else {
    ({ events: raws, task } = readUnverified(buf));
    verification = {
      state: 'failed',
      code: v.fault.kind,
      message: v.fault.message,
      ...(v.changed && v.changed.length > 0
        ? { changedEvents: v.changed, changedCalls: callsOf(raws, v.changed) }
        : {}),
    };
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
  const summary: BundleSession['summary'] = {
    task: taskInfo(task, id, events),
    counts,
    lastEventAt,
    fault: v.ok ? v.incomplete : undefined,
    imported: {
      signer: {
        fingerprint: verification.state === 'verified' ? verification.fingerprint : '',
        name: verification.state === 'verified' ? verification.signer : undefined,
        verified: verification.state === 'verified',
        known: verification.state === 'verified' && verification.known === true,
      },
    },
  };
  return {
    sessionId: id,
    summary,
    events,
    verifiedEvents: v.ok ? (v.events ?? []) : undefined,
    carriedReview: v.ok ? v.review : undefined,
    reviewNote: v.ok ? v.reviewNote : undefined,
    verification,
    detail: (callId) => detailFrom(bodies.get(callId) ?? []),
  };
}
