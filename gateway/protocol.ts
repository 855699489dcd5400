/**
 * The control API between the gateway and its clients (the `airlock` CLI, the extension, the
 * timeline). Dependency-free: types only, so any process can import it.
 *
 * Transport: HTTP on the gateway's port under CONTROL_PREFIX, `Authorization: Bearer <token>`
 * with the token from `<dataDir>/control-token` (mode 0600).
 */

export const CONTROL_PREFIX = '/_airlock/v1';
export const PROTOCOL_VERSION = 1;

/** The single line the gateway prints on stdout once it listens. */
export interface ReadyLine {
  readonly ready: true;
  readonly port: number;
  readonly dataDir: string;
}

/** Written to `<dataDir>/gateway.json` while the gateway runs, so the CLI can find it. */
export interface GatewayInfo {
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly startedAt: string;
  readonly protocolVersion: number;
}

export type TaskState = 'active' | 'ended' | 'expired';

export interface TaskInfo {
  readonly taskId: string;
  readonly name: string;
  readonly accessKeyId: string;
  readonly startedBy: string;
  readonly agent?: string;
  readonly workspace?: string;
  readonly startedAt: string;
  readonly expiresAt: string;
  readonly endedAt?: string;
  readonly state: TaskState;
  /** The task's scope (an IAM policy document), or undefined for "anything not denied". */
  readonly scope?: unknown;
}

/** The environment an agent's shell needs to route through the gateway as this task. */
export type AgentEnv = Readonly<Record<string, string>>;

export interface StartTaskRequest {
  readonly name: string;
  readonly scope?: unknown;
  readonly ttlSeconds?: number;
  readonly agent?: string;
  readonly workspace?: string;
}

export interface StartTaskResponse {
  readonly taskId: string;
  readonly expiresAt: string;
  readonly env: AgentEnv;
}

export interface ListTasksResponse {
  readonly tasks: readonly TaskInfo[];
}

export interface EndTaskResponse {
  readonly task: TaskInfo;
}

export type ControlErrorCode =
  | 'Unauthorized'
  | 'NotFound'
  | 'InvalidRequest'
  | 'InvalidScope'
  | 'TaskNotActive'
  | 'Internal';

export interface ControlErrorBody {
  readonly error: { readonly code: ControlErrorCode; readonly message: string };
}

/** Every control endpoint, as a discriminated union keyed by `route`. */
export type ControlCall =
  | { readonly route: 'GET /health'; readonly response: { readonly ok: true; readonly version: number } }
  | { readonly route: 'GET /tasks'; readonly response: ListTasksResponse }
  | { readonly route: 'POST /tasks'; readonly request: StartTaskRequest; readonly response: StartTaskResponse }
  | { readonly route: 'POST /tasks/:id/end'; readonly response: EndTaskResponse };
