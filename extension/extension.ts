import * as vscode from 'vscode';

/**
 * Extension entry. For now it only gives the gateway a log channel; spawning and supervising the
 * gateway, task terminals and approvals arrive with the extension issue.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Airlock', { log: true });
  context.subscriptions.push(log);
  log.info('Airlock extension activated');
}

export function deactivate(): void {
  // Nothing to stop yet.
}
