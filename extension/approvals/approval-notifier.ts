import * as vscode from 'vscode';
import { bodyBindingNote } from '../../gateway/approvals/body-note';
import type { ApprovalDecision, ApprovalInfo } from '../../gateway/protocol';
import type { ApprovalStore } from './approval-store';

export const DECIDE_COMMAND = 'airlock.decideApproval';
export const DETAILS_COMMAND = 'airlock.showApprovalDetails';

function commandLink(label: string, command: string, args: readonly unknown[]): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/** "Create IAM role x" reads as "wants to create IAM role x"; acronyms ("IAM ...") stay as they are. */
function asPredicate(summary: string): string {
  return /^[A-Z][a-z]/.test(summary) ? summary[0]!.toLowerCase() + summary.slice(1) : summary;
}

/** The notification's text: who wants what, then the four actions as links. */
export function approvalMessage(a: ApprovalInfo): string {
  const decide = (label: string, decision: ApprovalDecision): string =>
    commandLink(label, DECIDE_COMMAND, [a.approvalId, decision]);
  const why = a.rule ? ` (${a.rule.reason})` : '';
  const note = bodyBindingNote(a.bodyBinding);
  return (
    `task "${a.taskName}" wants to ${asPredicate(a.summary)}${why}. ${note ? `Note: ${note}. ` : ''}` +
    [
      decide('Approve', 'approve-once'),
      decide('Approve for Task', 'approve-for-task'),
      decide('Deny', 'deny'),
      commandLink('Details', DETAILS_COMMAND, [a.approvalId]),
    ].join(' · ')
  );
}

/**
 * One notification per pending approval. VS Code cannot close a message notification from an
 * extension, but it closes a progress notification when its task settles; so each approval is a
 * progress notification (it stays up while the call is held) whose text carries the actions as
 * command links, and it disappears the moment the approval is decided — here, from the CLI or
 * the timeline — or expires. It is cancellable only because VS Code shows a notification without
 * buttons collapsed to one line, which would hide the links: its Cancel button puts the
 * notification away and leaves the call waiting (the status bar still counts it).
 */
export class ApprovalNotifier implements vscode.Disposable {
  private readonly open = new Map<string, { resolve: () => void; timer: NodeJS.Timeout }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ApprovalStore) {
    this.unsubscribe = store.onChange(({ added, removed }) => {
      for (const a of removed) this.close(a.approvalId);
      for (const a of added) this.show(a);
    });
  }

  dispose(): void {
    this.unsubscribe();
    for (const id of [...this.open.keys()]) this.close(id);
  }

  private show(a: ApprovalInfo): void {
    if (this.open.has(a.approvalId)) return;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    // Past its deadline the gateway refuses the call anyway; do not wait for the event to say so.
    const timer = setTimeout(
      () => this.store.settle({ ...a, state: 'expired' }),
      Math.max(0, Date.parse(a.expiresAt) - Date.now()) + 1_000,
    );
    this.open.set(a.approvalId, { resolve, timer });
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Airlock approval', cancellable: true },
      (progress, token) => {
        progress.report({ message: approvalMessage(a) });
        token.onCancellationRequested(() => {
          this.close(a.approvalId);
          if (this.store.get(a.approvalId))
            vscode.window.setStatusBarMessage(
              'Airlock: the call still waits for your decision (click Airlock in the status bar)',
              8_000,
            );
        });
        return done;
      },
    );
  }

  private close(approvalId: string): void {
    const entry = this.open.get(approvalId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.resolve();
    this.open.delete(approvalId);
  }
}
