import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdentityInfo, StartTaskRequest, TaskInfo, TaskSessionInfo, TaskState } from '../protocol';
import { DataDirFileError } from '../storage/data-dir-error';
import { writeFileDurable } from '../storage/durable-file';
import { deriveTaskSecret, MASTER_KEY_BYTES, newAccessKeyId, newTaskId } from './task-keys';

export const TASKS_FILE = 'tasks.json';

export const DEFAULT_TTL_SECONDS = 8 * 3600;
export const MAX_TTL_SECONDS = 7 * 24 * 3600;

export interface StoredTask {
  readonly taskId: string;
  readonly name: string;
  readonly accessKeyId: string;
  readonly startedBy: string;
  readonly agent?: string;
  readonly workspace?: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  endedAt?: string;
  readonly scope?: unknown;
  /** Who started it (OIDC mode), from their ID token. */
  readonly identity?: IdentityInfo;
  /** Its STS session (OIDC mode): names and key ids only, never the secret or token. */
  session?: TaskSessionInfo;
}

export type KeyLookup =
  | { readonly kind: 'active'; readonly task: TaskInfo; readonly secret: string }
  | { readonly kind: 'inactive'; readonly task: TaskInfo }
  | { readonly kind: 'unknown' };

/**
 * Tasks and their keys. Metadata persists in `<dataDir>/tasks.json` (no secrets: a task's secret
 * is derived from the master key on demand), so keys keep working across gateway restarts.
 */
export class TaskRegistry {
  private readonly byId = new Map<string, StoredTask>();
  private readonly byKey = new Map<string, StoredTask>();
  private readonly secrets = new Map<string, string>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly masterKey: Buffer,
  ) {}

  static async load(dataDir: string, masterKey: Buffer): Promise<TaskRegistry> {
    if (masterKey.length !== MASTER_KEY_BYTES)
      throw new Error('the task registry needs a 32-byte master key');
    const reg = new TaskRegistry(join(dataDir, TASKS_FILE), masterKey);
    let text: string;
    try {
      text = await readFile(reg.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return reg;
    }
    for (const t of parseTasksFile(reg.file, text)) reg.index(t);
    return reg;
  }

  private index(t: StoredTask): void {
    this.byId.set(t.taskId, t);
    this.byKey.set(t.accessKeyId, t);
  }

  static stateOf(t: { endedAt?: string; expiresAt: string }, now = Date.now()): TaskState {
    if (t.endedAt) return 'ended';
    return Date.parse(t.expiresAt) <= now ? 'expired' : 'active';
  }

  private info(t: StoredTask, now = Date.now()): TaskInfo {
    return { ...t, state: TaskRegistry.stateOf(t, now) };
  }

  async start(
    req: StartTaskRequest,
    startedBy: string,
    identity?: IdentityInfo,
    now = new Date(),
  ): Promise<{ task: TaskInfo; secret: string }> {
    const ttl = Math.min(req.ttlSeconds ?? DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS);
    const t: StoredTask = {
      taskId: newTaskId(),
      name: req.name,
      accessKeyId: newAccessKeyId(),
      startedBy,
      agent: req.agent,
      workspace: req.workspace,
      startedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
      scope: req.scope,
      ...(identity ? { identity } : {}),
    };
    this.index(t);
    try {
      await this.save();
    } catch (e) {
      // A task whose start failed must not hold a working key: the caller was told it failed.
      this.byId.delete(t.taskId);
      this.byKey.delete(t.accessKeyId);
      throw e;
    }
    return { task: this.info(t), secret: this.secretOf(t.accessKeyId) };
  }

  async end(taskId: string, now = new Date()): Promise<TaskInfo | undefined> {
    const t = this.byId.get(taskId);
    if (!t) return undefined;
    if (!t.endedAt) {
      t.endedAt = now.toISOString();
      try {
        await this.save();
      } catch (e) {
        // Still active, so that a retry ends it (and journals its end) instead of finding it ended.
        t.endedAt = undefined;
        throw e;
      }
    }
    return this.info(t);
  }

  /** Keeps what AWS issued the task last (key ids stay listed: CloudTrail search needs them all). */
  async setSession(taskId: string, session: TaskSessionInfo): Promise<void> {
    const t = this.byId.get(taskId);
    if (!t) return;
    t.session = session;
    await this.save();
  }

  get(taskId: string): TaskInfo | undefined {
    const t = this.byId.get(taskId);
    return t && this.info(t);
  }

  list(): TaskInfo[] {
    const now = Date.now();
    return [...this.byId.values()].map((t) => this.info(t, now));
  }

  lookupKey(accessKeyId: string, now = Date.now()): KeyLookup {
    const t = this.byKey.get(accessKeyId);
    if (!t) return { kind: 'unknown' };
    const task = this.info(t, now);
    if (task.state !== 'active') return { kind: 'inactive', task };
    return { kind: 'active', task, secret: this.secretOf(accessKeyId) };
  }

  private secretOf(accessKeyId: string): string {
    let s = this.secrets.get(accessKeyId);
    if (!s) {
      s = deriveTaskSecret(this.masterKey, accessKeyId);
      this.secrets.set(accessKeyId, s);
    }
    return s;
  }

  /** Serialised, atomic and durable saves (a crash leaves the old file or the new one, whole). */
  private save(): Promise<void> {
    const snapshot = JSON.stringify({ tasks: [...this.byId.values()] }, null, 1);
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        await writeFileDurable(this.file, snapshot);
      });
    return this.saving;
  }
}

/** The tasks of a `tasks.json`; a file that does not parse stops the start, naming itself. */
export function parseTasksFile(file: string, text: string): StoredTask[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DataDirFileError(
      'StateFileInvalid',
      file,
      text.length === 0 ? 'is empty' : `is not valid JSON (${(e as Error).message})`,
      'Restore it from a backup if you have one; otherwise move it aside: the gateway then starts with no tasks (task keys issued so far stop working; recordings stay in journal/).',
    );
  }
  const tasks = (parsed as { tasks?: unknown } | null)?.tasks ?? [];
  if (
    !Array.isArray(tasks) ||
    !tasks.every((t) => typeof t === 'object' && t !== null && typeof (t as StoredTask).taskId === 'string')
  )
    throw new DataDirFileError(
      'StateFileInvalid',
      file,
      'is not a task list ({"tasks": [...]})',
      'Restore it from a backup if you have one; otherwise move it aside: the gateway then starts with no tasks.',
    );
  return tasks as StoredTask[];
}
