import * as vscode from 'vscode';

/** What a click on the status bar item offers. */
export async function showStatusMenu(pending: number): Promise<void> {
  const items: (vscode.QuickPickItem & { command: string })[] = [
    ...(pending > 0
      ? [
          {
            label: `$(bell-dot) Show Pending Approvals (${pending})`,
            command: 'airlock.showPendingApprovals',
          },
        ]
      : []),
    { label: '$(add) Start Agent Task…', command: 'airlock.startTask' },
    { label: '$(debug-stop) End Task', command: 'airlock.endTask' },
    { label: '$(list-unordered) Open Timeline', command: 'airlock.openTimeline' },
    { label: '$(law) Open Workspace Policy', command: 'airlock.openPolicy' },
    { label: '$(output) Show Gateway Log', command: 'airlock.showLog' },
    { label: '$(debug-restart) Restart Gateway', command: 'airlock.restartGateway' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Airlock' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}
