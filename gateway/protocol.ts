/**
 * The control API between the gateway and its clients (the `airlock` CLI, the extension, the
 * timeline). Dependency-free: types only, so any process can import it (the workspace policy
 * types come from policy-file/types.ts, which imports nothing either).
 *
 * Transport: HTTP on the gateway's port under CONTROL_PREFIX, `Authorization: Bearer <token>`
 * with the token from `<dataDir>/control-token` (mode 0600).
 */

import type { PolicyFileErrorInfo, PolicySource, WorkspacePolicy } from './policy-file/types';

export type { PolicyFileErrorInfo, PolicySource, WorkspacePolicy };

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
  /** Name of a scope template of the workspace policy (`scopeTemplates`); instead of `scope`. */
  readonly scopeTemplate?: string;
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

/** What a human decides about a held call. */
export type ApprovalDecision = 'approve-once' | 'approve-for-task' | 'deny';
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** A call held for a human's decision (DESIGN.md section 1.4). */
export interface ApprovalInfo {
  readonly approvalId: string;
  readonly taskId: string;
  readonly taskName: string;
  readonly identity: string;
  readonly callId: string;
  readonly service: string;
  readonly operation?: string;
  readonly action: string;
  readonly resources: readonly string[];
  /** One line for a notification, e.g. `Create IAM role deploy-bot trusted by lambda.amazonaws.com`. */
  readonly summary: string;
  /** Request parameters, masked. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The rule that asked (id and reason). */
  readonly rule?: { readonly id: string; readonly reason: string };
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly state: ApprovalState;
  /** How many times the agent's retries attached to this approval. */
  readonly attempts: number;
  readonly decision?: ApprovalDecision;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
}

export interface ListApprovalsResponse {
  readonly approvals: readonly ApprovalInfo[];
}

export interface DecideApprovalRequest {
  readonly decision: ApprovalDecision;
  readonly reason?: string;
  /** Who decided (editor user, CLI user); the gateway records it. */
  readonly decidedBy?: string;
}

export interface DecideApprovalResponse {
  readonly approval: ApprovalInfo;
}

/** A recorded call, summarised for live views. */
export interface CallSummary {
  readonly callId: string;
  readonly taskId: string;
  readonly at: string;
  readonly service: string;
  readonly operation?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly decision: 'allow' | 'deny' | 'ask';
  readonly status?: number;
  readonly errorCode?: string;
}

/** Server-sent events on `GET /events` (one JSON object per `data:` line). */
export type GatewayEvent =
  | { readonly type: 'approval.requested'; readonly approval: ApprovalInfo }
  | { readonly type: 'approval.decided'; readonly approval: ApprovalInfo }
  | { readonly type: 'approval.expired'; readonly approval: ApprovalInfo }
  | { readonly type: 'call.recorded'; readonly call: CallSummary }
  | { readonly type: 'task.started'; readonly task: TaskInfo }
  | { readonly type: 'task.ended'; readonly task: TaskInfo }
  /** The workspace policy file changed and the new policy is in force. */
  | { readonly type: 'policy.reloaded'; readonly source: PolicySource }
  /** The workspace policy file changed but was refused; the last good policy stays in force. */
  | { readonly type: 'policy.invalid'; readonly error: PolicyFileErrorInfo };

/** `GET /policy`: the workspace policy in force, defaults filled in. */
export interface EffectivePolicyResponse {
  readonly source: PolicySource;
  readonly policy: WorkspacePolicy;
  /** The approval timeout in force: the gateway's --approval-timeout, else the policy's. */
  readonly approvalTimeoutSeconds: number;
  /** Why the last reload failed, while the last good policy (above) stays in force. */
  readonly reloadError?: PolicyFileErrorInfo;
}

export type ControlErrorCode =
  | 'Unauthorized'
  | 'NotFound'
  | 'InvalidRequest'
  | 'InvalidScope'
  | 'TaskNotActive'
  | 'ApprovalNotPending'
  | 'StorageFull'
  | 'StorageUnavailable'
  | 'Internal';

export interface ControlErrorBody {
  readonly error: { readonly code: ControlErrorCode; readonly message: string };
}

/** Every control endpoint, as a discriminated union keyed by `route`. */
export type ControlCall =
  | { readonly route: 'GET /health'; readonly response: { readonly ok: true; readonly version: number } }
  | { readonly route: 'GET /tasks'; readonly response: ListTasksResponse }
  | {
      readonly route: 'POST /tasks';
      readonly request: StartTaskRequest;
      readonly response: StartTaskResponse;
    }
  | { readonly route: 'POST /tasks/:id/end'; readonly response: EndTaskResponse }
  | { readonly route: 'GET /approvals'; readonly response: ListApprovalsResponse }
  | {
      readonly route: 'POST /approvals/:id/decide';
      readonly request: DecideApprovalRequest;
      readonly response: DecideApprovalResponse;
    }
  | { readonly route: 'GET /events'; readonly response: GatewayEvent }
  | { readonly route: 'GET /policy'; readonly response: EffectivePolicyResponse };
