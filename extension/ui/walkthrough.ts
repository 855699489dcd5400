import * as vscode from 'vscode';
import type { WalkthroughKey } from './walkthrough-progress';

const WALKTHROUGH_ID = 'airlock.gettingStarted';
const OFFERED_KEY = 'airlock.walkthroughOffered';

/** Ticks a walkthrough step: its `onContext:` completion event fires. */
export function walkthroughDone(key: WalkthroughKey | undefined): void {
  if (key) void vscode.commands.executeCommand('setContext', key, true);
}

/**
 * Opens "Get started with Airlock" at the first activation after install, unless the user asked
 * VS Code for no start-up editors or for walkthroughs not to open on install.
 */
export function offerWalkthroughOnFirstRun(context: vscode.ExtensionContext): void {
  if (context.globalState.get<boolean>(OFFERED_KEY)) return;
  void context.globalState.update(OFFERED_KEY, true);
  const workbench = vscode.workspace.getConfiguration('workbench');
  if (workbench.get<string>('startupEditor') === 'none') return;
  if (workbench.get<boolean>('welcomePage.walkthroughs.openOnInstall') === false) return;
  void vscode.commands.executeCommand(
    'workbench.action.openWalkthrough',
    `${context.extension.id}#${WALKTHROUGH_ID}`,
    false,
  );
}
