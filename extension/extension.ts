import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalDecision, GatewayEvent } from '../gateway/protocol';
import { ApprovalNotifier, DECIDE_COMMAND, DETAILS_COMMAND } from './approvals/approval-notifier';
import { decideApproval, showPendingApprovals } from './commands/approval-commands';
import { exportSessionBundle, importSessionBundle, type BundleCommandDeps } from './commands/bundle-commands';
import { openPolicy } from './commands/policy-commands';
import { registerWhatIf } from './commands/what-if-commands';
import { showStatusMenu } from './commands/status-menu';
import { endTask, startAgentTask } from './commands/task-commands';
import { GATEWAY_SETTINGS, readSettings } from './config';
import { GatewayController } from './gateway/gateway-controller';
import { nextRefusalMs } from './approvals/pending-rows';
import { PendingApprovalsView } from './approvals/pending-view';
import { offerWalkthroughOnFirstRun, walkthroughDone } from './ui/walkthrough';
import { walkthroughKeyForEvent, walkthroughKeyForState } from './ui/walkthrough-progress';
import { PolicyDiagnostics } from './policy/policy-diagnostics';
import { POLICY_RELATIVE_PATH } from './policy/policy-file';
import { scopeTemplateNames } from './policy/scope-templates';
import { TaskManager } from './tasks/task-manager';
import { registerTimeline } from './timeline/register-timeline';
import { STATUS_MENU_COMMAND, StatusBar } from './ui/status-bar';
import { AirlockAuthProvider, AUTH_PROVIDER_ID } from './identity/auth-provider';
import type { IdentityStatus } from '../gateway/protocol';

let running: GatewayController | undefined;

/** A task id, or the task list's context-menu argument (its row's `data-vscode-context`). */
type TaskArg = string | { readonly taskId?: unknown };

function taskIdOf(arg: TaskArg | undefined): string | undefined {
  if (typeof arg === 'string') return arg;
  return typeof arg?.taskId === 'string' ? arg.taskId : undefined;
}

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
    workspaceTemplate: async (client) =>
      (await scopeTemplateNames(client, policyFile())).names.includes('workspace') ? 'workspace' : undefined,
  });
  const statusBar = new StatusBar();

  const onEvent = (event: GatewayEvent): void => {
    timeline.gatewayEvent(event);
    walkthroughDone(walkthroughKeyForEvent(event, tasks.workspaceTask?.taskId));
    switch (event.type) {
      case 'task.ended':
        tasks.taskEnded(event.task.taskId, event.task.state === 'expired' ? 'expired' : 'ended');
        break;
      case 'identity.changed':
        auth.update(event.status);
        if (event.status.state === 'failed')
          void vscode.window
            .showWarningMessage(
              `Airlock: signed out: ${event.status.error ?? 'the sign-in failed'}.`,
              'Sign In',
            )
            .then((pick) => pick && vscode.commands.executeCommand('airlock.signIn'));
        break;
      case 'policy.reloaded':
        log.info('the workspace policy was reloaded');
        vscode.window.setStatusBarMessage('Airlock: workspace policy reloaded', 5_000);
        break;
      case 'policy.invalid':
        log.warn(`the workspace policy was refused: ${event.error.message}`);
        void vscode.window
          .showWarningMessage(
            `Airlock refused the change to ${POLICY_RELATIVE_PATH}: ${event.error.message.replace(`${event.error.file}:`, 'line ')}. The last good policy stays in force.`,
            'Open Policy',
          )
          .then((pick) => pick && vscode.commands.executeCommand('airlock.openPolicy'));
        break;
      default:
        break;
    }
  };
  const gateway = new GatewayController({
    context,
    log,
    dataDir,
    settings: readSettings,
    policyFile,
    onReady: async (client) => {
      // Signed in first, so the workspace task's calls have credentials from the start.
      await auth.gatewayReady(client).catch((e: unknown) => log.warn(`sign-in not restored: ${String(e)}`));
      await tasks.gatewayReady(client);
    },
    onGone: () => tasks.gatewayGone(),
    onEvent,
    onRefreshToken: (line) =>
      void auth
        .refreshTokenRotated(line)
        .catch((e: unknown) => log.warn(`the rotated refresh token was not stored: ${String(e)}`)),
  });
  running = gateway;
  let identity: IdentityStatus | undefined;
  const auth = new AirlockAuthProvider({
    secrets: context.secrets,
    client: () => gateway.client,
    settings: readSettings,
    log,
    onStatus: (s) => {
      identity = s;
      refresh();
    },
  });
  context.subscriptions.push(
    auth,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Airlock', auth),
  );
  const timeline = registerTimeline({ context, log, dataDir, gateway, tasks, policyFile });
  const notifier = new ApprovalNotifier(gateway.approvals, (approvalId, decision) =>
    decideApproval(gateway, gateway.approvals, approvalId, decision),
  );

  const pendingView = new PendingApprovalsView(gateway.approvals);
  const refresh = (): void =>
    statusBar.update({
      gateway: gateway.state,
      taskName: tasks.current?.name,
      pending: gateway.approvals.size,
      nextRefusalMs: nextRefusalMs(gateway.approvals.all, Date.now()),
      dataDir,
      identity,
    });
  // The status bar counts down to the first automatic refusal while a call waits.
  let countdownTimer: NodeJS.Timeout | undefined;
  const unsubscribeApprovals = gateway.approvals.onChange(() => {
    refresh();
    if (gateway.approvals.size > 0) countdownTimer ??= setInterval(refresh, 1_000);
    else if (countdownTimer) {
      clearInterval(countdownTimer);
      countdownTimer = undefined;
    }
  });
  context.subscriptions.push(
    tasks,
    statusBar,
    gateway,
    notifier,
    pendingView,
    { dispose: unsubscribeApprovals },
    { dispose: () => clearInterval(countdownTimer) },
    gateway.onDidChangeState(refresh),
    gateway.onDidChangeState((state) => walkthroughDone(walkthroughKeyForState(state))),
    tasks.onDidChange(refresh),
  );

  const command = (id: string, run: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  command('airlock.startTask', () => startAgentTask(tasks, policyFile()));
  command('airlock.endTask', (arg?: TaskArg) => endTask(tasks, taskIdOf(arg)));
  command('airlock.copyTaskId', async (arg?: TaskArg) => {
    const id = taskIdOf(arg);
    if (!id) return;
    await vscode.env.clipboard.writeText(id);
    vscode.window.setStatusBarMessage(`Airlock: copied task id ${id}`, 4_000);
  });
  command('airlock.openTaskTimeline', (arg?: TaskArg) => {
    const id = taskIdOf(arg);
    return id ? timeline.openTask(id) : timeline.openCurrent();
  });
  command('airlock.showPendingApprovals', () => showPendingApprovals(gateway, gateway.approvals));
  command(DECIDE_COMMAND, (approvalId: string, decision: ApprovalDecision) =>
    decideApproval(gateway, gateway.approvals, approvalId, decision),
  );
  command(DETAILS_COMMAND, (approvalId: string) => timeline.revealApproval(approvalId));
  const bundles: BundleCommandDeps = {
    dataDir,
    client: () => gateway.client,
    currentTaskId: () => tasks.current?.taskId,
  };
  command('airlock.exportBundle', (arg?: TaskArg) => exportSessionBundle(bundles, taskIdOf(arg)));
  command('airlock.importBundle', (uri?: vscode.Uri) => importSessionBundle(bundles, uri));
  command('airlock.openPolicy', () => openPolicy(policyFile(), () => policyChanged('created')));
  context.subscriptions.push(new PolicyDiagnostics(policyFile));
  offerWalkthroughOnFirstRun(context);
  command('airlock.showLog', () => log.show());
  command('airlock.signIn', async () => {
    try {
      const s = await vscode.authentication.getSession(AUTH_PROVIDER_ID, [], { createIfNone: true });
      void vscode.window.showInformationMessage(`Airlock: signed in as ${s.account.label}.`);
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Airlock: sign-in failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  });
  command('airlock.signOut', () => auth.removeSession());
  command('airlock.restartGateway', () => gateway.restart());
  command('airlock.openTimeline', () => timeline.openCurrent());
  registerWhatIf(context, dataDir, policyFile);
  command(STATUS_MENU_COMMAND, () => showStatusMenu(gateway.approvals.size));

  // The gateway watches the policy file it was given and reloads it itself (keeping the last good
  // one when a change is refused). Only a file that appears or disappears changes its --policy
  // flag, and a gateway that refused to start may start now: those need a restart (on the same
  // port, so terminals keep working).
  let policyTimer: NodeJS.Timeout | undefined;
  const policyChanged = (why: 'created' | 'changed' | 'deleted'): void => {
    if (why === 'changed' && gateway.state.kind !== 'failed') return;
    if (policyTimer) clearTimeout(policyTimer);
    policyTimer = setTimeout(() => {
      log.info(`the workspace policy was ${why}; restarting the gateway`);
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
      watcher.onDidCreate(() => policyChanged('created')),
      watcher.onDidChange(() => policyChanged('changed')),
      watcher.onDidDelete(() => policyChanged('deleted')),
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
