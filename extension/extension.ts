import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalDecision, GatewayEvent } from '../gateway/protocol';
import { ApprovalNotifier, DECIDE_COMMAND, DETAILS_COMMAND } from './approvals/approval-notifier';
import { decideApproval, showApprovalDetails, showPendingApprovals } from './commands/approval-commands';
import { bundleNotAvailable, openPolicy } from './commands/policy-commands';
import { showStatusMenu } from './commands/status-menu';
import { endTask, openTimeline, startAgentTask } from './commands/task-commands';
import { GATEWAY_SETTINGS, readSettings } from './config';
import { GatewayController } from './gateway/gateway-controller';
import { POLICY_RELATIVE_PATH, readPolicy } from './policy/policy-file';
import { TaskManager } from './tasks/task-manager';
import { STATUS_MENU_COMMAND, StatusBar } from './ui/status-bar';
import { AIRLOCK_SCHEME, AirlockDocuments } from './views/airlock-documents';

let running: GatewayController | undefined;

/** The workspace policy file of the first folder on disk, if any. */
function policyFile(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? join(folder.uri.fsPath, POLICY_RELATIVE_PATH) : undefined;
}

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Airlock', { log: true });
  context.subscriptions.push(log);
  // Workspace storage keeps each workspace's recordings apart; with no folder open, global storage.
  const dataDir = join((context.storageUri ?? context.globalStorageUri).fsPath, 'gateway');

  const tasks = new TaskManager({
    context,
    log,
    routing: () => readSettings().routing,
    workspaceScope: async () => {
      const file = policyFile();
      const policy = file ? await readPolicy(file) : undefined;
      return policy?.kind === 'ok'
        ? policy.templates.find((t) => t.name === 'workspace')?.document
        : undefined;
    },
  });
  const docs = new AirlockDocuments(dataDir);
  const statusBar = new StatusBar();

  const onEvent = (event: GatewayEvent): void => {
    if (event.type === 'task.ended')
      tasks.taskEnded(event.task.taskId, event.task.state === 'expired' ? 'expired' : 'ended');
    else if (event.type === 'call.recorded') docs.callRecorded(event.call.taskId);
  };
  const gateway = new GatewayController({
    context,
    log,
    dataDir,
    settings: readSettings,
    policyFile,
    onReady: (client) => tasks.gatewayReady(client),
    onGone: () => tasks.gatewayGone(),
    onEvent,
  });
  running = gateway;
  const notifier = new ApprovalNotifier(gateway.approvals);

  const refresh = (): void =>
    statusBar.update({
      gateway: gateway.state,
      taskName: tasks.current?.name,
      pending: gateway.approvals.size,
      dataDir,
    });
  const unsubscribeApprovals = gateway.approvals.onChange(refresh);
  context.subscriptions.push(
    tasks,
    docs,
    statusBar,
    gateway,
    notifier,
    { dispose: unsubscribeApprovals },
    gateway.onDidChangeState(refresh),
    tasks.onDidChange(refresh),
    vscode.workspace.registerTextDocumentContentProvider(AIRLOCK_SCHEME, docs),
  );

  const command = (id: string, run: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  command('airlock.startTask', () => startAgentTask(tasks, policyFile()));
  command('airlock.endTask', () => endTask(tasks));
  command('airlock.showPendingApprovals', () => showPendingApprovals(gateway, gateway.approvals, docs));
  command(DECIDE_COMMAND, (approvalId: string, decision: ApprovalDecision) =>
    decideApproval(gateway, gateway.approvals, approvalId, decision),
  );
  command(DETAILS_COMMAND, (approvalId: string) => showApprovalDetails(gateway.approvals, docs, approvalId));
  command('airlock.exportBundle', () => bundleNotAvailable('export'));
  command('airlock.importBundle', () => bundleNotAvailable('import'));
  command('airlock.openPolicy', () => openPolicy(context, policyFile()));
  command('airlock.showLog', () => log.show());
  command('airlock.restartGateway', () => gateway.restart());
  command('airlock.openTimeline', () => openTimeline(tasks, docs));
  command(STATUS_MENU_COMMAND, () => showStatusMenu(gateway.approvals.size));

  // The gateway reads the policy at start: a new, changed or removed policy means a restart (on
  // the same port, so terminals keep working).
  let policyTimer: NodeJS.Timeout | undefined;
  const policyChanged = (): void => {
    if (policyTimer) clearTimeout(policyTimer);
    policyTimer = setTimeout(() => {
      log.info('the workspace policy changed; restarting the gateway');
      void gateway.restart();
    }, 500);
  };
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(folder, POLICY_RELATIVE_PATH),
    );
    context.subscriptions.push(
      watcher,
      watcher.onDidCreate(policyChanged),
      watcher.onDidChange(policyChanged),
      watcher.onDidDelete(policyChanged),
      { dispose: () => policyTimer && clearTimeout(policyTimer) },
    );
  }
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (GATEWAY_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        log.info('gateway settings changed; restarting the gateway');
        void gateway.restart();
      } else if (e.affectsConfiguration('airlock.routing')) tasks.apply();
    }),
  );

  refresh();
  gateway.start();
}

export async function deactivate(): Promise<void> {
  const gateway = running;
  running = undefined;
  await gateway?.stop();
}
