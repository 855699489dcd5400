import type { ApprovalDecision, ApprovalInfo, DecisionClient, IdentityInfo } from '../protocol';
import {
  ApprovalEntries,
  type Entry,
  mapKeyOf,
  type Mutable,
  snapshot,
  type Waiter,
} from './approval-entries';
import {
  ApprovalError,
  type ApprovalManagerOptions,
  type ApprovalRequest,
  type HoldOutcome,
} from './approval-types';
import { decidedEvent, expiredEvent, newApproval, requestedEvent } from './new-approval';
import { type AttemptOutcome, RIDE_WINDOW_MS } from './retry-rides';
import { type Grant, type GrantPair, grantProblem, TaskGrants } from './task-grants';

/**
 * Pending approvals and their waiting calls. One approval per call (retries attach to it by
 * request key); approve-once lets exactly one attempt through, approve-for-task records grants
 * for the call's (action, resource) pairs; a decided approval lingers for one timeout period so
 * a retry that arrives after its first attempt gave up still gets the answer, then it is gone.
 */
export class ApprovalManager {
  private readonly entries: ApprovalEntries;
  readonly grants = new TaskGrants();
  private readonly now: () => number;

  constructor(private readonly opts: ApprovalManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.entries = new ApprovalEntries(opts.setTimer);
  }

  /** Pending approvals, oldest first. */
  pending(): ApprovalInfo[] {
    return [...this.entries.all()]
      .filter((e) => e.info.state === 'pending')
      .map((e) => snapshot(e))
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  get(approvalId: string): ApprovalInfo | undefined {
    const e = this.entries.get(approvalId);
    return e ? snapshot(e) : undefined;
  }

  /** A grant from "approve for the task" covering every pair, if any. */
  grantFor(taskId: string, pairs: readonly GrantPair[]): Grant | undefined {
    return this.grants.covering(taskId, pairs);
  }

  /**
   * Holds a call until its approval is decided or expires, or the client goes away (`signal`).
   * Throws when the request cannot be recorded (the caller refuses the call).
   */
  async hold(req: ApprovalRequest, signal: AbortSignal): Promise<HoldOutcome> {
    const mapKey = mapKeyOf(req.task.taskId, req.key);
    let e = this.entries.forKey(mapKey);
    if (e?.info.state === 'approved' && !e.consumed) {
      this.release(e, req.callId);
      return { kind: 'approved', approval: snapshot(e) };
    }
    if (e?.info.state === 'approved') {
      const ride = e.rides.take(req.callId, this.now());
      if (ride) {
        e.info.retriesRidden = ride.retry;
        return { kind: 'approved', approval: snapshot(e), ride };
      }
    }
    if (e?.info.state === 'approved' || e?.info.state === 'expired') e = undefined;
    if (e?.info.state === 'denied') return { kind: 'denied', approval: snapshot(e) };
    if (e) e.info.attempts += 1;
    else e = this.raise(req, mapKey);
    try {
      await e.recorded;
    } catch (err) {
      this.entries.drop(e);
      throw err;
    }
    if (e.info.state !== 'pending') return this.hold(req, signal);
    const entry = e;
    return new Promise<HoldOutcome>((resolve) => {
      const waiter: Waiter = {
        callId: req.callId,
        resolve: (o) => {
          signal.removeEventListener('abort', onAbort);
          resolve(o);
        },
      };
      const onAbort = (): void => {
        entry.waiters = entry.waiters.filter((w) => w !== waiter);
        waiter.resolve({ kind: 'abandoned', approval: snapshot(entry) });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      entry.waiters.push(waiter);
    });
  }

  private raise(req: ApprovalRequest, mapKey: string): Entry {
    const timeoutSeconds = this.opts.timeoutSeconds();
    const requestedMs = this.now();
    const info: Mutable<ApprovalInfo> = newApproval(req, requestedMs, timeoutSeconds, this.opts.maskParams);
    const recorded = this.opts.record(info.taskId, [requestedEvent(info, req.rule, timeoutSeconds)]);
    const e = this.entries.add({ info, mapKey, pairs: req.pairs, timeoutSeconds, requestedMs, recorded });
    // Prompt only once the request is durable: a prompt for an unrecorded call must not exist.
    recorded.then(
      () => {
        if (e.info.state !== 'pending') return;
        this.entries.schedule(e, () => void this.expire(e), timeoutSeconds * 1000);
        this.opts.publish({ type: 'approval.requested', approval: snapshot(e) });
      },
      () => undefined,
    );
    return e;
  }

  /**
   * Applies a human's decision, made through `client` (the control API) or by the gateway itself
   * (no client). Throws ApprovalError when unknown or no longer pending.
   */
  async decide(
    approvalId: string,
    decision: ApprovalDecision,
    decidedBy: string,
    reason?: string,
    client?: DecisionClient,
    grantResources?: readonly string[],
    decidedByIdentity?: IdentityInfo,
  ): Promise<ApprovalInfo> {
    const e = this.entries.get(approvalId);
    if (!e) throw new ApprovalError('NotFound', `No approval ${approvalId}.`);
    await e.recorded.catch(() => undefined);
    if (this.entries.get(approvalId) !== e) throw new ApprovalError('NotFound', `No approval ${approvalId}.`);
    if (e.info.state !== 'pending' || e.deciding)
      throw new ApprovalError(
        'ApprovalNotPending',
        `Approval ${approvalId} is ${e.deciding ? 'being decided' : e.info.state} already.`,
      );
    if (decision !== 'approve-for-task' && grantResources !== undefined)
      throw new ApprovalError('InvalidGrant', 'Resource patterns go only with approve-for-task.');
    const grant =
      decision === 'approve-for-task'
        ? (grantResources ?? [...new Set(e.pairs.map((p) => p.resource))])
        : undefined;
    const problem = grant ? grantProblem(e.pairs, grant) : undefined;
    if (problem)
      throw new ApprovalError('InvalidGrant', `Cannot approve ${approvalId} for the task: ${problem}.`);
    e.deciding = true;
    const decidedMs = this.now();
    try {
      await this.opts.record(e.info.taskId, [
        decidedEvent(
          e.info,
          { decision, decidedBy, reason, client, grant, decidedByIdentity },
          decidedMs - e.requestedMs,
        ),
      ]);
    } catch (err) {
      e.deciding = false;
      if (this.now() >= e.requestedMs + e.timeoutSeconds * 1000) void this.expire(e);
      throw err;
    }
    e.deciding = false;
    e.cancelTimer();
    Object.assign(e.info, {
      state: decision === 'deny' ? 'denied' : 'approved',
      decision,
      decidedBy,
      ...(client ? { decidedVia: client } : {}),
      ...(decidedByIdentity ? { decidedByIdentity } : {}),
      decidedAt: new Date(decidedMs).toISOString(),
      ...(reason !== undefined ? { reason } : {}),
      ...(grant ? { grant: { resources: [...grant] } } : {}),
    });
    if (grant) {
      this.grants.add(
        e.info.taskId,
        e.pairs,
        { approvalId, decidedBy, decidedAt: e.info.decidedAt ?? '' },
        grant,
      );
    }
    const waiters = e.waiters;
    e.waiters = [];
    const approval = snapshot(e);
    if (decision === 'deny') {
      for (const w of waiters) w.resolve({ kind: 'denied', approval });
    } else {
      // The newest attempt is the one its client is still waiting on; older ones are duplicates.
      const chosen = waiters.pop();
      if (chosen) {
        this.release(e, chosen.callId);
        chosen.resolve({ kind: 'approved', approval });
      }
      for (const w of waiters) w.resolve({ kind: 'superseded', approval });
    }
    this.opts.publish({ type: 'approval.decided', approval });
    this.entries.dropAfter(e, e.timeoutSeconds * 1000);
    return approval;
  }

  private release(e: Entry, callId: string): void {
    e.consumed = true;
    e.rides.released(callId);
  }

  /**
   * What became of an attempt an approval let through (the forward stage reports every one).
   * When AWS failed an approve-once call, its retry may ride on the approval for a while.
   */
  attemptFinished(approvalId: string, callId: string, outcome: AttemptOutcome): void {
    const e = this.entries.get(approvalId);
    if (!e) return;
    const mayRide = e.info.decision === 'approve-once' && this.entries.isCurrent(e);
    if (e.rides.finished(callId, outcome, this.now(), mayRide)) {
      this.entries.dropAfter(e, RIDE_WINDOW_MS);
    } else if (e.dropWhenIdle && !e.rides.busy) {
      this.entries.drop(e);
    }
  }

  private async expire(e: Entry): Promise<void> {
    if (e.info.state !== 'pending' || e.deciding) return;
    e.info.state = 'expired';
    this.entries.drop(e);
    const waiters = e.waiters;
    e.waiters = [];
    const approval = snapshot(e);
    for (const w of waiters) w.resolve({ kind: 'expired', approval, timeoutSeconds: e.timeoutSeconds });
    this.opts.publish({ type: 'approval.expired', approval });
    await this.opts
      .record(e.info.taskId, [expiredEvent(e.info, e.timeoutSeconds, this.now() - e.requestedMs)])
      .catch((err: unknown) =>
        this.opts.log.log('error', 'could not record an expired approval', {
          approvalId: e.info.approvalId,
          error: String(err),
        }),
      );
  }

  /** The task ended: its pending approvals are denied (recorded) and its grants forgotten. */
  async endTask(taskId: string): Promise<void> {
    for (const e of [...this.entries.all()]) {
      if (e.info.taskId !== taskId || e.info.state !== 'pending') continue;
      await this.decide(e.info.approvalId, 'deny', 'airlock', 'the task ended').catch((err: unknown) =>
        this.opts.log.log('warn', 'could not close an approval of an ended task', { error: String(err) }),
      );
    }
    this.grants.clear(taskId);
  }

  /** The gateway stops: every waiting call is refused; nothing stays scheduled. */
  close(): void {
    for (const e of this.entries.all()) {
      e.cancelTimer();
      if (e.info.state !== 'pending') continue;
      Object.assign(e.info, { state: 'denied', decidedBy: 'airlock', reason: 'the gateway is stopping' });
      const approval = snapshot(e);
      for (const w of e.waiters) w.resolve({ kind: 'denied', approval });
      e.waiters = [];
    }
    this.entries.clear();
  }
}
