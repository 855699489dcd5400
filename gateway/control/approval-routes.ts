import type { Router } from 'express';
import type { ApprovalManager } from '../approvals/approval-manager';
import { ApprovalError } from '../approvals/approval-types';
import type {
  ApprovalDecision,
  DecideApprovalRequest,
  DecideApprovalResponse,
  ListApprovalsResponse,
} from '../protocol';
import type { Logger } from '../server/logger';
import { displayName, type IdentityClaims } from '../identity/identity-claims';
import { mayApprove } from '../identity/approver-check';
import type { PolicyStore } from '../policy-file/policy-store';
import { ControlError } from './control-error';
import { decisionClient } from './decision-client';

const DECISIONS: readonly ApprovalDecision[] = ['approve-once', 'approve-for-task', 'deny'];

function parseDecide(body: unknown): DecideApprovalRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.decision !== 'string' || !DECISIONS.includes(b.decision as ApprovalDecision))
    throw new ControlError('InvalidRequest', 400, `decision must be one of ${DECISIONS.join(', ')}.`);
  if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 1000))
    throw new ControlError('InvalidRequest', 400, 'reason must be a string of at most 1000 characters.');
  if (
    b.decidedBy !== undefined &&
    (typeof b.decidedBy !== 'string' || b.decidedBy.trim() === '' || b.decidedBy.length > 200)
  )
    throw new ControlError('InvalidRequest', 400, 'decidedBy must be a name of 1 to 200 characters.');
  let grant: { resources: string[] } | undefined;
  if (b.grant !== undefined) {
    const g: unknown = b.grant;
    const resources =
      g !== null && typeof g === 'object' ? (g as { resources?: unknown }).resources : undefined;
    if (
      b.decision !== 'approve-for-task' ||
      !Array.isArray(resources) ||
      resources.length === 0 ||
      resources.length > 20 ||
      !resources.every((r) => typeof r === 'string' && r.length > 0 && r.length <= 2048)
    )
      throw new ControlError(
        'InvalidRequest',
        400,
        'grant goes with approve-for-task and is { resources: [1 to 20 ARN patterns] }.',
      );
    grant = { resources: resources as string[] };
  }
  return {
    decision: b.decision as ApprovalDecision,
    ...(grant ? { grant } : {}),
    reason: typeof b.reason === 'string' && b.reason.trim() !== '' ? b.reason.trim() : undefined,
    decidedBy: typeof b.decidedBy === 'string' ? b.decidedBy.trim() : undefined,
  };
}

/**
 * `GET /approvals` (pending, oldest first) and `POST /approvals/:id/decide`. A decision is
 * recorded with the client it came from: any process that can read the control token can decide,
 * so the record says which one did (decision-client.ts).
 */
export function approvalRoutes(
  router: Router,
  deps: {
    readonly approvals: ApprovalManager;
    readonly startedBy: string;
    readonly log: Logger;
    /** The signed-in person (OIDC mode): who decides, whatever the client says. */
    readonly identity: { identity(): IdentityClaims | undefined };
    /** For the groups an ask rule's `approvers` may name. */
    readonly policy: PolicyStore;
  },
): void {
  router.get('/approvals', (_req, res) => {
    const body: ListApprovalsResponse = { approvals: deps.approvals.pending() };
    res.json(body);
  });

  router.post('/approvals/:id/decide', async (req, res) => {
    const id = String(req.params.id);
    const d = parseDecide(req.body);
    const client = await decisionClient(req);
    let approval;
    try {
      const who = deps.identity.identity();
      const held = deps.approvals.pending().find((a) => a.approvalId === id);
      if (held?.rule && d.decision !== 'deny') {
        const check = mayApprove(held.rule.approvers, who, deps.policy.current.policy.groups, held.rule.id);
        if (!check.ok) throw new ControlError('NotAllowedToApprove', 403, check.message);
      }
      const decidedBy = who ? displayName(who) : (d.decidedBy ?? deps.startedBy);
      approval = await deps.approvals.decide(
        id,
        d.decision,
        decidedBy,
        d.reason,
        client,
        d.grant?.resources,
        who,
      );
    } catch (e) {
      if (e instanceof ApprovalError && e.code === 'InvalidGrant')
        throw new ControlError('InvalidRequest', 400, e.message);
      if (e instanceof ApprovalError)
        throw new ControlError(
          e.code === 'NotFound' ? 'NotFound' : 'ApprovalNotPending',
          e.code === 'NotFound' ? 404 : 409,
          e.message,
        );
      throw e;
    }
    deps.log.log('info', 'approval decided', {
      approvalId: id,
      decision: d.decision,
      decidedBy: approval.decidedBy,
      client: client.declared,
      pid: client.process?.pid,
    });
    const body: DecideApprovalResponse = { approval };
    res.json(body);
  });
}
