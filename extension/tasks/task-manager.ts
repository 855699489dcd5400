import * as vscode from 'vscode';
import type { TaskInfo } from '../../gateway/protocol';
import type { AirlockClient } from '../control/airlock-client';
import type { RoutingMode } from './task-env';
import { collectionPlan, describeCollection, rebaseEnv, routedEnv, terminalEnv } from './task-env';

/** A task this editor started and holds the key of. */
export interface HeldTask {
  readonly taskId: string;
  readonly name: string;
  readonly kind: 'workspace' | 'agent';
  readonly expiresAt: string;
  /** The task's variables as the gateway gave them (rebased when the gateway's port changes). */
  env: Record<string, string>;
  readonly unset: readonly string[];
  terminal?: vscode.Terminal;
}

const WORKSPACE_TASK_KEY = 'airlock.workspaceTaskId';
/** The gateway's upper bound for a task's life; the workspace task is renewed before it ends. */
const WORKSPACE_TTL_SECONDS = 7 * 24 * 3600;

export interface TaskManagerDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly routing: () => readonly RoutingMode[];
  /** The scope template of the workspace task ("workspace" when the policy has one), or undefined. */
  readonly workspaceTemplate: (client: AirlockClient) => Promise<string | undefined>;
}

/**
 * The tasks of this editor: an always-on workspace task (so nothing goes unrecorded) and the agent
 * tasks the user starts. The newest active agent task is the current one: new terminals get its
 * environment through the collection, and terminals made before it are flagged stale by VS Code.
 */
export class TaskManager implements vscode.Disposable {
  private client: AirlockClient | undefined;
  private workspace: HeldTask | undefined;
  private readonly agents: HeldTask[] = [];
  private renewTimer: NodeJS.Timeout | undefined;
  /** Agent tasks end by time even when no event says so (the gateway refuses their key then). */
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: TaskManagerDeps) {
    const collection = deps.context.environmentVariableCollection;
    // Kept across reloads, so terminals VS Code restores early still route through the gateway.
    collection.persistent = true;
    this.subscriptions.push(
      vscode.window.onDidCloseTerminal((t) => {
        for (const task of this.agents) if (task.terminal === t) task.terminal = undefined;
      }),
    );
  }

  dispose(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    for (const t of this.expiryTimers.values()) clearTimeout(t);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  get current(): HeldTask | undefined {
    return this.agents.at(-1) ?? this.workspace;
  }

  get workspaceTask(): HeldTask | undefined {
    return this.workspace;
  }

  get agentTasks(): readonly HeldTask[] {
    return this.agents;
  }

  /** The gateway is (again) ready on `port`: keep the tasks it still honours, start what is missing. */
  async gatewayReady(client: AirlockClient): Promise<void> {
    this.client = client;
    const active = new Map(
      (await client.listTasks()).filter((t) => t.state === 'active').map((t) => [t.taskId, t]),
    );
    for (const task of [...this.agents]) {
      if (active.has(task.taskId)) task.env = rebaseEnv(task.env, client.port);
      else this.forget(task.taskId);
    }
    if (this.workspace && active.has(this.workspace.taskId)) {
      this.workspace.env = rebaseEnv(this.workspace.env, client.port);
    } else {
      // A previous window's workspace task: its key died with that window, so close its recording.
      const previous = this.deps.context.workspaceState.get<string>(WORKSPACE_TASK_KEY);
      if (previous && active.has(previous) && previous !== this.workspace?.taskId)
        await client
          .endTask(previous)
          .catch((e: unknown) => this.deps.log.warn(`could not end task ${previous}: ${String(e)}`));
      await this.startWorkspaceTask();
    }
    this.apply();
  }

  gatewayGone(): void {
    this.client = undefined;
  }

  private async startWorkspaceTask(): Promise<void> {
    const client = this.requireClient();
    const name = `Workspace: ${vscode.workspace.name ?? '(no folder)'}`;
    const started = await client.startTask({
      name,
      scopeTemplate: await this.deps.workspaceTemplate(client),
      ttlSeconds: WORKSPACE_TTL_SECONDS,
      agent: 'vscode',
      workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    this.workspace = {
      taskId: started.taskId,
      name,
      kind: 'workspace',
      expiresAt: started.expiresAt,
      env: { ...started.env },
      unset: started.unset,
    };
    await this.deps.context.workspaceState.update(WORKSPACE_TASK_KEY, started.taskId);
    this.deps.log.info(`workspace task ${started.taskId} started ("${name}")`);
    this.scheduleRenewal(started.expiresAt);
  }

  private scheduleRenewal(expiresAt: string): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    const inMs = Math.max(1_000, Date.parse(expiresAt) - Date.now() - 60_000);
    this.renewTimer = setTimeout(() => void this.renewWorkspaceTask(), Math.min(inMs, 2 ** 31 - 1));
  }

  private async renewWorkspaceTask(): Promise<void> {
    if (!this.client) return;
    const old = this.workspace;
    try {
      await this.startWorkspaceTask();
      if (old) await this.client.endTask(old.taskId).catch(() => undefined);
      this.apply();
    } catch (e) {
      this.deps.log.error(`could not renew the workspace task: ${String(e)}`);
    }
  }

  /** Starts an agent task and opens its terminal (with exactly that task's environment). */
  /** The control client of the running gateway, if it runs. */
  get gatewayClient(): AirlockClient | undefined {
    return this.client;
  }

  /** Starts an agent task scoped by a template of the policy in force (none: unrestricted). */
  async startAgentTask(
    name: string,
    scopeTemplate: string | undefined,
    ttlSeconds: number,
  ): Promise<HeldTask> {
    const client = this.requireClient();
    const started = await client.startTask({
      name,
      scopeTemplate,
      ttlSeconds,
      agent: 'vscode-terminal',
      workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    const task: HeldTask = {
      taskId: started.taskId,
      name,
      kind: 'agent',
      expiresAt: started.expiresAt,
      env: { ...started.env },
      unset: started.unset,
    };
    this.agents.push(task);
    const untilExpiry = Math.max(0, Date.parse(task.expiresAt) - Date.now());
    this.expiryTimers.set(
      task.taskId,
      setTimeout(() => this.taskEnded(task.taskId, 'expired'), Math.min(untilExpiry, 2 ** 31 - 1)),
    );
    this.deps.log.info(`agent task ${task.taskId} started ("${name}", expires ${task.expiresAt})`);
    task.terminal = vscode.window.createTerminal({
      name: `Airlock: ${name}`,
      iconPath: new vscode.ThemeIcon('shield'),
      env: terminalEnv(process.env, routedEnv(task.env, this.deps.routing()), task.unset),
      strictEnv: true,
    });
    task.terminal.show();
    this.apply();
    return task;
  }

  /** Ends a task; resolves with the held task it was, if this editor started it. */
  async endTask(taskId: string): Promise<HeldTask | undefined> {
    await this.requireClient().endTask(taskId);
    return this.taskEnded(taskId, 'ended', false);
  }

  /** A task ended or expired (here, from the CLI, or by time); `notify` says so if it had a terminal. */
  taskEnded(taskId: string, how: 'ended' | 'expired', notify = true): HeldTask | undefined {
    if (this.workspace?.taskId === taskId) {
      this.deps.log.warn(`the workspace task ${how}; starting a new one`);
      this.workspace = undefined;
      if (this.client)
        void this.startWorkspaceTask().then(
          () => this.apply(),
          (e: unknown) => this.deps.log.error(String(e)),
        );
      return undefined;
    }
    const task = this.forget(taskId);
    if (task?.terminal && notify)
      void vscode.window.showWarningMessage(
        `Airlock: task "${task.name}" ${how}. Its terminal can no longer reach AWS.`,
      );
    if (task) this.apply();
    return task;
  }

  /** Tasks the gateway reports that this editor started (by task id). */
  isHeld(taskId: string): boolean {
    return this.workspace?.taskId === taskId || this.agents.some((t) => t.taskId === taskId);
  }

  private forget(taskId: string): HeldTask | undefined {
    clearTimeout(this.expiryTimers.get(taskId));
    this.expiryTimers.delete(taskId);
    const i = this.agents.findIndex((t) => t.taskId === taskId);
    if (i < 0) return undefined;
    const [task] = this.agents.splice(i, 1);
    return task;
  }

  /** Points the terminal environment collection at the current task. */
  apply(): void {
    const collection = this.deps.context.environmentVariableCollection;
    const task = this.current;
    collection.clear();
    if (task) {
      const plan = collectionPlan(routedEnv(task.env, this.deps.routing()), task.unset, process.env);
      for (const [k, v] of Object.entries(plan.replace)) collection.replace(k, v);
      for (const k of plan.blanked) collection.replace(k, '');
      collection.description = new vscode.MarkdownString(describeCollection(task.name, plan));
      if (plan.keptProfile.length > 0)
        this.deps.log.warn(
          `${plan.keptProfile.join(', ')} set in VS Code's environment; see the terminal environment note`,
        );
    }
    this.changed.fire();
  }

  /** Every task the gateway knows, newest first (for pickers). */
  async listActive(): Promise<readonly TaskInfo[]> {
    const tasks = await this.requireClient().listTasks();
    return tasks.filter((t) => t.state === 'active').sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  private requireClient(): AirlockClient {
    if (!this.client)
      throw new Error('The Airlock gateway is not running (see "Airlock: Show Gateway Log").');
    return this.client;
  }
}
