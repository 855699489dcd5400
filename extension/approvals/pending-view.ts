import * as vscode from 'vscode';
import type { ApprovalInfo } from '../../gateway/protocol';
import { DETAILS_COMMAND } from './approval-notifier';
import type { ApprovalStore } from './approval-store';
import { pendingBadge, pendingHeadline, pendingRow } from './pending-rows';

export const PENDING_VIEW_ID = 'airlock.pendingApprovals';

const RISK_ICON = {
  high: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  low: new vscode.ThemeIcon('bell'),
  unknown: new vscode.ThemeIcon('bell'),
} as const;

/**
 * "Waiting for You" in Airlock's side bar: the calls held for a decision, each with the time
 * left before the automatic refusal, opening its details on click. A tree view, not part of the
 * Tasks webview, because only a tree view exists from activation: its badge is on the activity
 * bar as soon as a call waits, whether or not the side bar was ever opened (a webview view's
 * badge can be set only once the user has opened it, microsoft/vscode#146330).
 */
export class PendingApprovalsView implements vscode.TreeDataProvider<ApprovalInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ApprovalInfo>;
  private readonly unsubscribe: () => void;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly store: ApprovalStore) {
    this.view = vscode.window.createTreeView(PENDING_VIEW_ID, { treeDataProvider: this });
    this.unsubscribe = store.onChange(() => this.update());
    this.update();
  }

  private update(): void {
    this.view.badge = pendingBadge(this.store.size);
    this.view.description = pendingHeadline(this.store.all, Date.now());
    this.changed.fire(undefined);
    // The countdowns move only while something waits and someone can see them.
    if (this.store.size > 0 && !this.ticker) this.ticker = setInterval(() => this.tick(), 1_000);
    if (this.store.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    if (!this.view.visible) return;
    this.view.description = pendingHeadline(this.store.all, Date.now());
    this.changed.fire(undefined);
  }

  getChildren(element?: ApprovalInfo): ApprovalInfo[] {
    return element ? [] : [...this.store.all];
  }

  getTreeItem(a: ApprovalInfo): vscode.TreeItem {
    const row = pendingRow(a, Date.now());
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.approvalId;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.accessibilityInformation = { label: row.ariaLabel };
    item.iconPath = RISK_ICON[row.risk];
    item.contextValue = 'airlockPendingApproval';
    item.command = { command: DETAILS_COMMAND, title: 'Show Details', arguments: [row.approvalId] };
    return item;
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.unsubscribe();
    this.view.dispose();
    this.changed.dispose();
  }
}
