import * as vscode from 'vscode';
import type { GatewayEvent } from '../../gateway/protocol';
import { decideApproval } from '../commands/approval-commands';
import type { GatewayController } from '../gateway/gateway-controller';
import type { TaskManager } from '../tasks/task-manager';
import { BUNDLE_VIEW_TYPE, BundleEditorProvider } from './bundle-editor';
import { SessionPanels } from './session-panels';
import { signerTrustSource } from './signer-trust';
import { TASKS_VIEW_ID, TaskListView } from './task-list-view';
import { TimelineHost } from './timeline-host';
import { TimelineSource } from './timeline-source';

export const REFRESH_TIMELINE_COMMAND = 'airlock.refreshTimeline';
export const REVIEW_TASK_COMMAND = 'airlock.reviewTask';

export interface TimelineDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly dataDir: string;
  readonly gateway: GatewayController;
  readonly tasks: TaskManager;
  /** The workspace policy file, offered first when a session is compared with a policy. */
  readonly policyFile?: () => string | undefined;
}

/** What the rest of the extension asks of the timeline. */
export interface Timeline {
  /** Each event of the gateway's stream (extension.ts forwards them). */
  gatewayEvent(event: GatewayEvent): void;
  /** "Airlock: Open Timeline": the current task's session. */
  openCurrent(): Promise<void>;
  /** An approval's "Details": its call, selected in its task's session. */
  revealApproval(approvalId: string): Promise<void>;
  /** A task's session (or an imported bundle's editor), from the task list's context menu. */
  openTask(taskId: string): Promise<void>;
}

/**
 * The timeline, registered in one call: the Tasks view, session panels, the `*.airlock` editor,
 * and `airlock.refreshTimeline` (the import command calls it after importing).
 */
export function registerTimeline(deps: TimelineDeps): Timeline {
  const { context, log, gateway } = deps;
  const extensionUri = context.extensionUri;
  const trust = signerTrustSource(deps.dataDir, () => gateway.client);
  const source = new TimelineSource({
    dataDir: deps.dataDir,
    client: () => gateway.client,
    log: (level, message) => log[level](message),
    trust,
  });
  const openTask = async (taskId: string): Promise<void> => {
    const file = source.importedFile(taskId);
    if (file)
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), BUNDLE_VIEW_TYPE);
    else panels.show(taskId);
  };
  const host = new TimelineHost({
    extensionUri,
    log,
    approvals: gateway.approvals,
    decide: (approvalId, decision, reason) =>
      decideApproval(gateway, gateway.approvals, approvalId, decision, { reason: reason ?? '' }),
    openTask,
    policyFile: deps.policyFile,
  });
  const panels = new SessionPanels(extensionUri, host, source);
  const list = new TaskListView(
    extensionUri,
    host,
    source,
    (taskId) => taskId !== deps.tasks.workspaceTask?.taskId,
  );
  context.subscriptions.push(
    { dispose: () => source.dispose() },
    host,
    panels,
    list,
    vscode.window.registerWebviewViewProvider(TASKS_VIEW_ID, list),
    vscode.window.registerCustomEditorProvider(
      BUNDLE_VIEW_TYPE,
      new BundleEditorProvider(extensionUri, host, log, trust),
      { supportsMultipleEditorsPerDocument: true },
    ),
    vscode.commands.registerCommand(REFRESH_TIMELINE_COMMAND, () => source.refresh()),
    vscode.commands.registerCommand(REVIEW_TASK_COMMAND, async (taskId?: unknown) => {
      await source.refresh();
      const picked =
        typeof taskId === 'string'
          ? taskId
          : (
              await vscode.window.showQuickPick(
                source.summaries.map((s) => ({
                  label: s.task.name,
                  description: s.task.taskId,
                  detail: s.imported ? 'imported bundle' : s.task.state,
                })),
                { title: 'Airlock: review which task?' },
              )
            )?.description;
      if (!picked) return;
      const file = source.importedFile(picked);
      // An imported session opens in the bundle editor; its Review tab is one click away there.
      if (file)
        await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), BUNDLE_VIEW_TYPE);
      else panels.showReview(picked);
    }),
    // A (re)started gateway may have tasks the list has not seen; its client comes with it.
    gateway.onDidChangeState(() => {
      if (gateway.client) void source.refresh();
    }),
  );

  return {
    gatewayEvent: (event) => source.gatewayEvent(event),
    openTask: async (taskId) => {
      if (!source.task(taskId)) await source.refresh();
      await openTask(taskId);
    },
    openCurrent: async () => {
      const task = deps.tasks.current;
      if (!task) {
        void vscode.window.showInformationMessage('Airlock: no task yet; the gateway is still starting.');
        return;
      }
      if (!source.task(task.taskId)) await source.refresh();
      panels.show(task.taskId);
    },
    revealApproval: async (approvalId) => {
      const a = gateway.approvals.get(approvalId);
      if (!a) {
        void vscode.window.showInformationMessage('Airlock: this call is no longer waiting for a decision.');
        return;
      }
      if (!source.task(a.taskId)) await source.refresh();
      panels.show(a.taskId, a.callId);
    },
  };
}
