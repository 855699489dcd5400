import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadPolicyFile, PolicyFileError } from '../../gateway/policy-file';
import { whatIfText } from '../commands/what-if-report';
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
  const sessions = [collectCalls((await recorded(taskId)).events, taskId)];
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

/** "Compare with a policy…": this session's calls decided again under a policy file the user picks. */
export async function compareSessionWithPolicy(
  recorded: RecordedEvents | undefined,
  taskId: string,
  defaultPolicy: string | undefined,
): Promise<void> {
  if (!recorded) return;
  const picked = await vscode.window.showOpenDialog({
    title: 'Airlock: decide this task again under which workspace policy?',
    defaultUri: defaultPolicy ? vscode.Uri.file(defaultPolicy) : undefined,
    filters: { 'Airlock policy': ['json'] },
    canSelectMany: false,
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return;
  try {
    const report = whatIfText(
      [collectCalls((await recorded(taskId)).events, taskId)],
      await loadPolicyFile(file),
      basename(file),
      `task ${taskId}`,
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'diff', content: report.text });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    const why = e instanceof PolicyFileError || e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`Airlock: cannot compare with ${file}: ${why}`);
  }
}
