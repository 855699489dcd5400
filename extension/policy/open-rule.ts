import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { POLICY_RELATIVE_PATH } from './policy-file';
import { locateRule } from './rule-location';

/**
 * A rule id clicked in the timeline: the workspace policy opens with the rule's `"id"` selected.
 * The call may have been decided by a rule the file no longer has (edited since, or the built-in
 * policy): that is said, and the file still opens when there is one.
 */
export async function openRuleInPolicy(policyFile: string | undefined, ruleId: string): Promise<void> {
  if (!policyFile) {
    void vscode.window.showInformationMessage(
      `Airlock: rule "${ruleId}" is not in a workspace policy: open a folder to have a ${POLICY_RELATIVE_PATH}.`,
    );
    return;
  }
  let text: string;
  try {
    text = await readFile(policyFile, 'utf8');
  } catch {
    void vscode.window.showInformationMessage(
      `Airlock: rule "${ruleId}" comes from Airlock's built-in policy; this workspace has no ${POLICY_RELATIVE_PATH} (Airlock: Open Workspace Policy creates one).`,
    );
    return;
  }
  const at = locateRule(text, ruleId);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(policyFile));
  if (!at) {
    await vscode.window.showTextDocument(document, { preview: false });
    void vscode.window.showInformationMessage(
      `Airlock: ${POLICY_RELATIVE_PATH} has no rule "${ruleId}" now; the call was decided by a rule since removed or renamed, or by the built-in policy.`,
    );
    return;
  }
  // The value starts at its opening quote; select the id itself.
  const start = new vscode.Position(at.line - 1, at.column);
  const selection = new vscode.Range(start, start.translate(0, ruleId.length));
  await vscode.window.showTextDocument(document, { preview: false, selection });
}

/** "Copy as AWS CLI command": the page built the text; it goes to the clipboard, and is said. */
export async function copyCliCommand(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage('$(terminal) Airlock: AWS CLI command copied', 4_000);
}
