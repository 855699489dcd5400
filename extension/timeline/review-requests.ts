import * as vscode from 'vscode';
import { collectCalls } from '../../gateway/review/session-calls';
import { suggestPolicy } from '../../gateway/review/suggest-policy';
import { verifySuggestion } from '../../gateway/review/verify-suggestion';
import type { RecordedEvents } from './review-answer';

/**
 * "Open least-privilege policy": the policy `airlock policy suggest` writes, in a new untitled JSON
 * editor to save as a scope template, with the evaluator's check said in a notification.
 */
export async function openSuggestedPolicy(
  recorded: RecordedEvents | undefined,
  taskId: string,
): Promise<void> {
  if (!recorded) return;
  const sessions = [collectCalls(await recorded(taskId), taskId)];
  const suggestion = suggestPolicy(sessions);
  const check = verifySuggestion(suggestion.policy, sessions);
  const doc = await vscode.workspace.openTextDocument({
    language: 'json',
    content: `${JSON.stringify(suggestion.policy, null, 2)}\n`,
  });
  await vscode.window.showTextDocument(doc, { preview: false });
  const { statements, actions } = suggestion.counts;
  if (check.violations.length > 0) {
    const v = check.violations[0];
    void vscode.window.showWarningMessage(
      `Airlock: this policy fails its check on ${check.violations.length} recorded call(s), e.g. call ${v?.callId}: ` +
        `${v?.kind === 'now-allowed' ? 'it was denied but the policy allows' : 'it was allowed but the policy refuses'} ${v?.action} on ${v?.resource}.`,
    );
  } else {
    void vscode.window.showInformationMessage(
      `Airlock: least-privilege policy for the task: ${statements} statements, ${actions} actions; ` +
        `checked: ${check.checkedAllowed} allowed calls still allowed, ${check.checkedDenied} denied calls still denied.`,
    );
  }
}
