import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { ApprovalDecision, ApprovalInfo } from '../../gateway/protocol';
import { DETAILS_COMMAND } from '../approvals/approval-notifier';
import { askedBy } from '../approvals/approval-prompt';
import { pickGrant } from '../approvals/pick-grant';
import type { ApprovalStore } from '../approvals/approval-store';
import { AirlockClientError } from '../control/airlock-client';
import type { GatewayController } from '../gateway/gateway-controller';

const DECISION_WORDS: Readonly<Record<ApprovalDecision, string>> = {
  'approve-once': 'approved once',
  'approve-for-task': 'approved for the rest of the task',
  deny: 'denied',
};

function decidedBy(): string {
  try {
    return `${userInfo().username} (VS Code)`;
  } catch {
    return 'VS Code user';
  }
}

/**
 * Decides a pending approval; Deny first asks for the reason the agent will see, unless one was
 * `given` (the timeline's approval actions have their own reason field); Approve for Task asks
 * which resources the grant covers; approving a high-risk call asks to confirm. Resolves with the
 * approval as it stands afterwards (still pending when nothing was decided), or undefined when
 * it is no longer known here.
 */
export async function decideApproval(
  gateway: GatewayController,
  store: ApprovalStore,
  approvalId: string,
  decision: ApprovalDecision,
  given?: { readonly reason: string },
): Promise<ApprovalInfo | undefined> {
  const client = gateway.client;
  const approval = store.get(approvalId);
  if (!client || !approval) {
    const last = store.last(approvalId);
    void vscode.window.showInformationMessage(
      last && last.state !== 'pending'
        ? `Airlock: this call was ${last.state === 'expired' ? 'refused: nobody decided in time' : `${last.state} already${last.decidedBy ? ` by ${last.decidedBy}` : ''}`}.`
        : 'Airlock: this call is no longer waiting for a decision.',
    );
    return last;
  }
  const stillPending = (): ApprovalInfo | undefined => {
    if (store.get(approvalId)) return store.get(approvalId);
    void vscode.window.showInformationMessage('Airlock: this call was decided elsewhere meanwhile.');
    return store.last(approvalId);
  };
  if (decision === 'approve-once' && approval.risk?.level === 'high') {
    const ok = await vscode.window.showWarningMessage(
      `Approve a high-risk call? ${approval.summary}`,
      {
        modal: true,
        detail: `${approval.risk.reasons.join('\n')}\n\n${approval.action} on ${approval.resources.join(', ')}\nAsked by ${askedBy(approval)}.`,
      },
      'Approve',
    );
    if (ok !== 'Approve') return store.get(approvalId);
    if (!store.get(approvalId)) return stillPending();
  }
  let grant: { resources: string[] } | undefined;
  if (decision === 'approve-for-task') {
    const picked = await pickGrant(approval);
    if (!picked) return store.get(approvalId);
    if (!store.get(approvalId)) return stillPending();
    grant = picked.exact ? undefined : { resources: picked.resources };
  }
  let reason: string | undefined = given?.reason;
  if (decision === 'deny' && !given) {
    reason = await vscode.window.showInputBox({
      title: `Airlock: Deny ${approval.action}`,
      prompt: 'Why? The agent gets this reason in its error message.',
      value: 'Denied in the editor',
      ignoreFocusOut: true,
    });
    if (reason === undefined) return store.get(approvalId);
    if (!store.get(approvalId)) return stillPending();
  }
  try {
    const settled = await client.decide(approvalId, {
      decision,
      reason: reason?.trim() || undefined,
      decidedBy: decidedBy(),
      ...(grant ? { grant } : {}),
    });
    store.settle(settled);
    const what =
      decision === 'approve-for-task'
        ? `approved for the rest of task "${approval.taskName}" on ${(settled.grant?.resources ?? approval.resources).join(', ')}`
        : DECISION_WORDS[decision];
    vscode.window.setStatusBarMessage(`Airlock: ${approval.action} ${what}`, 8_000);
    return settled;
  } catch (e) {
    if (e instanceof AirlockClientError && (e.code === 'ApprovalNotPending' || e.code === 'NotFound')) {
      // Decided or expired meanwhile: the gateway's event says which; until then, it is not pending.
      store.settle({ ...approval, state: 'expired' });
      void vscode.window.showInformationMessage(`Airlock: too late — ${e.message}`);
      return store.last(approvalId);
    }
    void vscode.window.showErrorMessage(
      `Airlock: the decision did not reach the gateway: ${(e as Error).message}`,
    );
    return store.get(approvalId);
  }
}

/** "Airlock: Show Pending Approvals": pick a held call, then what to do with it. */
export async function showPendingApprovals(gateway: GatewayController, store: ApprovalStore): Promise<void> {
  if (store.size === 0) {
    void vscode.window.showInformationMessage('Airlock: no call is waiting for approval.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    store.all.map((a: ApprovalInfo) => ({
      label: a.summary,
      description: `task "${a.taskName}"`,
      detail: `${a.risk?.level === 'high' ? 'HIGH RISK · ' : ''}${a.action}${a.resources.some((r) => r !== '*') ? ` on ${a.resources.filter((r) => r !== '*').join(', ')}` : ' (no resource)'}${a.rule ? ` — ${a.rule.reason}` : ''} · refused automatically at ${new Date(a.expiresAt).toLocaleTimeString()}`,
      approvalId: a.approvalId,
      action: a.action,
    })),
    { title: 'Airlock: Pending Approvals', placeHolder: 'Which call?' },
  );
  if (!pick) return;
  const action = await vscode.window.showQuickPick(
    [
      { label: 'Approve', decision: 'approve-once' as const },
      {
        label: 'Approve for Task…',
        description: `${pick.action} for the rest of the task, on resources you pick next`,
        decision: 'approve-for-task' as const,
      },
      { label: 'Deny', decision: 'deny' as const },
      { label: 'Details', decision: undefined },
    ],
    { title: pick.label },
  );
  if (!action) return;
  if (action.decision) await decideApproval(gateway, store, pick.approvalId, action.decision);
  // Details: the call, selected in its task's session panel (extension/timeline/).
  else await vscode.commands.executeCommand(DETAILS_COMMAND, pick.approvalId);
}
