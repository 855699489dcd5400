import * as vscode from 'vscode';
import { scopeTemplateNames } from '../policy/scope-templates';
import type { TaskManager } from '../tasks/task-manager';
import { taskStartedText } from '../tasks/task-started-text';

export const UNRESTRICTED_LABEL = 'unrestricted';

const TTL_CHOICES: readonly { label: string; seconds: number }[] = [
  { label: '30 minutes', seconds: 1800 },
  { label: '1 hour', seconds: 3600 },
  { label: '2 hours', seconds: 7200 },
  { label: '4 hours', seconds: 14400 },
  { label: '8 hours', seconds: 28800 },
  { label: '1 day', seconds: 86400 },
];

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "Airlock: Start Agent Task…": name, scope template, time to live; then a terminal for it. */
export async function startAgentTask(tasks: TaskManager, policyFile: string | undefined): Promise<void> {
  const name = await vscode.window.showInputBox({
    title: 'Airlock: Start Agent Task (1/3)',
    prompt: 'What is the task for? The name is recorded with every call and shown in approvals.',
    placeHolder: 'e.g. fix upload lambda',
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim() === '' ? 'Give the task a name.' : v.length > 200 ? 'At most 200 characters.' : undefined,
  });
  if (name === undefined) return;

  const templates = await scopeTemplateNames(tasks.gatewayClient, policyFile);
  type ScopeItem = vscode.QuickPickItem & { template: string | undefined };
  const items: ScopeItem[] = templates.names.map((t) => ({
    label: t,
    description: 'scope template of the workspace policy',
    template: t,
  }));
  items.push({
    label: UNRESTRICTED_LABEL,
    description: 'no task scope',
    detail: 'Anything the workspace policy does not deny; its ask rules still ask you.',
    template: undefined,
  });
  if (templates.problem)
    void vscode.window.showWarningMessage(
      `Airlock: the workspace policy has a problem (${templates.problem}).`,
    );
  const scope = await vscode.window.showQuickPick(items, {
    title: 'Airlock: Start Agent Task (2/3)',
    placeHolder: 'What may the task do? (its scope, an IAM policy document)',
    ignoreFocusOut: true,
  });
  if (!scope) return;

  const ttl = await vscode.window.showQuickPick(
    TTL_CHOICES.map((c) => ({ label: c.label, seconds: c.seconds, picked: c.seconds === 3600 })),
    {
      title: 'Airlock: Start Agent Task (3/3)',
      placeHolder: 'How long may the task run? Its key stops working then.',
      ignoreFocusOut: true,
    },
  );
  if (!ttl) return;

  try {
    const task = await tasks.startAgentTask(name.trim(), scope.template, ttl.seconds);
    void vscode.window
      .showInformationMessage(
        taskStartedText(
          task.name,
          scope.template,
          task.expiresAt,
          task.terminal?.name ?? `Airlock: ${task.name}`,
        ),
        'Open Timeline',
      )
      .then((pick) => pick && vscode.commands.executeCommand('airlock.openTimeline'));
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock: could not start the task: ${errorText(e)}`);
  }
}

/**
 * "Airlock: End Task": ends an agent task (the workspace task is always on). With `taskId` (the
 * task list's End Task), that task, after the user confirms.
 */
export async function endTask(tasks: TaskManager, taskId?: string): Promise<void> {
  if (taskId !== undefined) return endOne(tasks, taskId);
  let active;
  try {
    active = await tasks.listActive();
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock: ${errorText(e)}`);
    return;
  }
  const endable = active.filter((t) => t.taskId !== tasks.workspaceTask?.taskId);
  if (endable.length === 0) {
    void vscode.window.showInformationMessage(
      'Airlock: no agent task is running (the workspace task is always on).',
    );
    return;
  }
  const pick = await vscode.window.showQuickPick(
    endable.map((t) => ({
      label: t.name,
      description: tasks.isHeld(t.taskId)
        ? 'started here'
        : `started by ${t.startedBy}${t.agent ? ` (${t.agent})` : ''}`,
      detail: `${t.taskId} · expires ${new Date(t.expiresAt).toLocaleString()}`,
      taskId: t.taskId,
    })),
    { title: 'Airlock: End Task', placeHolder: 'Which task has finished? Its key stops working at once.' },
  );
  if (!pick) return;
  await finish(tasks, pick.taskId, pick.label);
}

async function endOne(tasks: TaskManager, taskId: string): Promise<void> {
  if (taskId === tasks.workspaceTask?.taskId) {
    void vscode.window.showInformationMessage(
      'Airlock: the workspace task is always on, so calls made outside agent tasks are recorded too.',
    );
    return;
  }
  let task;
  try {
    task = (await tasks.listActive()).find((t) => t.taskId === taskId);
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock: ${errorText(e)}`);
    return;
  }
  if (!task) {
    void vscode.window.showInformationMessage('Airlock: this task has ended already.');
    return;
  }
  const ok = await vscode.window.showWarningMessage(
    `End task "${task.name}"?`,
    { modal: true, detail: 'Its key stops working at once; its calls waiting for approval are denied.' },
    'End Task',
  );
  if (ok === 'End Task') await finish(tasks, task.taskId, task.name);
}

async function finish(tasks: TaskManager, taskId: string, name: string): Promise<void> {
  const pick = { taskId, label: name };
  try {
    const held = await tasks.endTask(pick.taskId);
    void vscode.window.showInformationMessage(
      `Airlock: task "${pick.label}" ended.${held?.terminal ? ' Its terminal can no longer reach AWS.' : ''}`,
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Airlock: could not end the task: ${errorText(e)}`);
  }
}
