import * as vscode from 'vscode';
import type { ApprovalDecision, ApprovalInfo } from '../../gateway/protocol';
import {
  approvalPromptText,
  BUTTON_APPROVE,
  BUTTON_APPROVE_FOR_TASK,
  BUTTON_DENY,
  BUTTON_DETAILS,
  expiredText,
  promptButtons,
} from './approval-prompt';
import type { ApprovalStore } from './approval-store';

export const DECIDE_COMMAND = 'airlock.decideApproval';
export const DETAILS_COMMAND = 'airlock.showApprovalDetails';

const CHOICE: Readonly<Record<string, ApprovalDecision>> = {
  [BUTTON_APPROVE]: 'approve-once',
  [BUTTON_APPROVE_FOR_TASK]: 'approve-for-task',
  [BUTTON_DENY]: 'deny',
};

interface OpenPrompt {
  readonly approval: ApprovalInfo;
  /** The exact text shown: showing it again replaces this notification (VS Code de-duplicates). */
  readonly text: string;
  /** Bumped when the prompt is shown again, so the replaced one's "closed" is not taken as the user's. */
  generation: number;
  /** Its notification is gone (a button was clicked): nothing to retire. */
  closed: boolean;
  readonly timer: NodeJS.Timeout;
}

/**
 * One decision prompt per pending approval: a notification whose buttons are the decisions
 * (Approve, Approve for Task…, Deny) and Details. Closing or hiding it decides nothing: the call
 * keeps waiting, counted in the status bar and on the Tasks view.
 *
 * VS Code lets an extension close a progress notification but not a message one, and only a
 * message notification has buttons. When an approval is decided elsewhere (the CLI, the timeline)
 * or expires while its prompt is up, the toasts are hidden (`notifications.hideToasts`) and the
 * prompts of approvals still waiting are shown again (VS Code replaces a notification by an equal
 * one), so only live decisions stay on screen; a stale one left in the notification centre answers
 * a click with who decided. When the timeout refuses a call, a notification says so and offers to
 * raise the timeout or open the policy.
 */
export class ApprovalNotifier implements vscode.Disposable {
  private readonly open = new Map<string, OpenPrompt>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ApprovalStore,
    private readonly decide: (approvalId: string, decision: ApprovalDecision) => Promise<unknown>,
  ) {
    this.unsubscribe = store.onChange(({ added, removed }) => {
      const retired = removed.filter((a) => this.open.get(a.approvalId)?.closed === false);
      for (const a of removed) this.forget(a.approvalId);
      const expired = removed.filter((a) => a.state === 'expired');
      // The expiry notice comes after the retired prompts are hidden, or it would be hidden too.
      void (retired.length > 0 ? this.retire() : Promise.resolve()).then(() => {
        for (const a of expired) this.announceExpiry(a);
      });
      for (const a of added) this.show(a);
    });
  }

  dispose(): void {
    this.unsubscribe();
    for (const id of [...this.open.keys()]) this.forget(id);
  }

  /** Approval ids whose prompt is up (tests). */
  get showing(): readonly string[] {
    return [...this.open.keys()];
  }

  private show(a: ApprovalInfo): void {
    if (this.open.has(a.approvalId)) return;
    // Past its deadline the gateway refuses the call anyway; do not wait for the event to say so.
    const timer = setTimeout(
      () => this.store.settle({ ...a, state: 'expired' }),
      Math.max(0, Date.parse(a.expiresAt) - Date.now()) + 1_000,
    );
    const prompt: OpenPrompt = {
      approval: a,
      text: approvalPromptText(a),
      generation: 0,
      closed: false,
      timer,
    };
    this.open.set(a.approvalId, prompt);
    this.present(prompt);
  }

  private present(prompt: OpenPrompt): void {
    const a = prompt.approval;
    const generation = ++prompt.generation;
    prompt.closed = false;
    const show = a.risk?.level === 'high' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(prompt.text, ...promptButtons(a)).then(async (pick) => {
      const current = this.open.get(a.approvalId);
      if (current !== prompt || prompt.generation !== generation) return;
      prompt.closed = true;
      if (pick === undefined) {
        vscode.window.setStatusBarMessage(
          'Airlock: the call still waits for your decision (Airlock in the status bar, or the Tasks view)',
          8_000,
        );
        return;
      }
      if (pick === BUTTON_DETAILS) {
        await vscode.commands.executeCommand(DETAILS_COMMAND, a.approvalId);
        return;
      }
      const decision = CHOICE[pick];
      if (decision) await this.decide(a.approvalId, decision);
      // Not decided after all (the reason or the resources were not given): ask again.
      if (this.open.get(a.approvalId) === prompt && this.store.get(a.approvalId)) this.present(prompt);
    });
  }

  /** Hides every toast, then shows again the prompts of approvals still waiting. */
  private async retire(): Promise<void> {
    await vscode.commands.executeCommand('notifications.hideToasts');
    for (const prompt of this.open.values()) if (!prompt.closed) this.present(prompt);
  }

  private announceExpiry(a: ApprovalInfo): void {
    void vscode.window
      .showWarningMessage(expiredText(a), 'Raise Timeout…', 'Open Policy')
      .then(async (pick) => {
        if (pick === 'Raise Timeout…')
          await vscode.commands.executeCommand(
            'workbench.action.openSettings',
            'airlock.approvals.timeoutSeconds',
          );
        else if (pick === 'Open Policy') await vscode.commands.executeCommand('airlock.openPolicy');
      });
  }

  private forget(approvalId: string): void {
    const prompt = this.open.get(approvalId);
    if (!prompt) return;
    clearTimeout(prompt.timer);
    this.open.delete(approvalId);
  }
}
