import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadPolicyFile, PolicyFileError } from '../../gateway/policy-file';
import { POLICY_RELATIVE_PATH } from '../policy/policy-file';
import { WHAT_IF_LAST_TASKS, whatIfReport } from './what-if-report';

export const WHAT_IF_COMMAND = 'airlock.compareWithPolicy';

/** Decides the last tasks' calls under the policy in `file` and opens the diff in an editor. */
async function compare(dataDir: string, file: string): Promise<void> {
  let report;
  try {
    report = await whatIfReport(dataDir, await loadPolicyFile(file), basename(file));
  } catch (e) {
    const why = e instanceof PolicyFileError ? e.message : e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`Airlock: cannot compare with ${file}: ${why}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'diff', content: report.text });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/**
 * "Airlock: Compare Recorded Tasks with a Policy…", and after each save of the workspace policy
 * an offer to show what the saved policy would have done to the last tasks.
 */
export function registerWhatIf(
  context: vscode.ExtensionContext,
  dataDir: string,
  policyFile: () => string | undefined,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(WHAT_IF_COMMAND, async (uri?: unknown) => {
      let file = uri instanceof vscode.Uri ? uri.fsPath : undefined;
      if (!file) {
        const current = policyFile();
        const picked = await vscode.window.showOpenDialog({
          title: 'Airlock: compare the recorded tasks with which workspace policy?',
          defaultUri: current ? vscode.Uri.file(current) : undefined,
          filters: { 'Airlock policy': ['json'] },
          canSelectMany: false,
        });
        file = picked?.[0]?.fsPath;
      }
      if (file) await compare(dataDir, file);
    }),
    vscode.workspace.onDidSaveTextDocument(async (doc) => {
      const current = policyFile();
      if (!current || doc.uri.fsPath !== current) return;
      const show = await vscode.window.showInformationMessage(
        `Airlock: ${POLICY_RELATIVE_PATH} saved. Show what this change would have done to the last ${WHAT_IF_LAST_TASKS} tasks?`,
        'Show',
      );
      if (show === 'Show') await compare(dataDir, current);
    }),
  );
}
