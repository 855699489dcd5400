import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { ApprovalDecision, ApprovalInfo } from '../../gateway/protocol';
import { DETAILS_COMMAND } from '../approvals/approval-notifier';
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
 * `given` (the timeline's approval actions have their own reason field).
 */
export async function decideApproval(
  gateway: GatewayController,
  store: ApprovalStore,
  approvalId: string,
  decision: ApprovalDecision,
  given?: { readonly reason: string },
): Promise<void> {
  const client = gateway.client;
  const approval = store.get(approvalId);
  if (!client || !approval) {
    void vscode.window.showInformationMessage('Airlock: this call is no longer waiting for a decision.');
    return;
  }
  let reason: string | undefined = given?.reason;
  if (decision === 'deny' && !given) {
    reason = await vscode.window.showInputBox({
      title: `Airlock: Deny ${approval.action}`,
      prompt: 'Why? The agent gets this reason in its error message.',
      value: 'Denied in the editor',
      ignoreFocusOut: true,
    });
    if (reason === undefined) return;
    if (!store.get(approvalId)) {
      void vscode.window.showInformationMessage('Airlock: this call was decided elsewhere meanwhile.');
      return;
    }
  }
  try {
    const settled = await client.decide(approvalId, {
      decision,
      reason: reason?.trim() || undefined,
      decidedBy: decidedBy(),
    });
    store.settle(settled);
    vscode.window.setStatusBarMessage(`Airlock: ${approval.action} ${DECISION_WORDS[decision]}`, 5_000);
  } catch (e) {
    if (e instanceof AirlockClientError && (e.code === 'ApprovalNotPending' || e.code === 'NotFound')) {
      store.settle({ ...approval, state: 'expired' });
      void vscode.window.showInformationMessage(`Airlock: too late — ${e.message}`);
    } else {
      void vscode.window.showErrorMessage(
        `Airlock: the decision did not reach the gateway: ${(e as Error).message}`,
      );
    }
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
      detail: `${a.action} on ${a.resources.join(', ') || '*'}${a.rule ? ` — ${a.rule.reason}` : ''} · expires ${new Date(a.expiresAt).toLocaleTimeString()}`,
      approvalId: a.approvalId,
    })),
    { title: 'Airlock: Pending Approvals', placeHolder: 'Which call?' },
  );
  if (!pick) return;
  const action = await vscode.window.showQuickPick(
    [
      { label: 'Approve', decision: 'approve-once' as const },
      {
        label: 'Approve for Task',
        description: 'this action on these resources, until the task ends',
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
