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

/**
 * With `--report-refresh-tokens` (the extension launches the gateway so), each later stdout line
 * is one of these: the IdP rotated the refresh token of the extension's in-memory sign-in, and the
 * old one is spent. Stdout is a pipe only the launching process reads; the control API never
 * answers with a token.
 */
export interface RefreshTokenLine {
  readonly refreshToken: string;
  readonly issuer: string;
  readonly clientId: string;
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

/** A signed-in person, from their ID token's claims (absent in profile mode). */
export interface IdentityInfo {
  readonly issuer: string;
  readonly subject: string;
  readonly email?: string;
  readonly name?: string;
  readonly groups: readonly string[];
}

/**
 * A task's own STS session (OIDC mode): what CloudTrail records for its calls. Never credentials:
 * the access key id is public, the secret and token stay in the gateway's memory.
 */
export interface TaskSessionInfo {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly sourceIdentity: string;
  /** Every access key id AWS issued for the task (a session renewed before expiry gets a new one). */
  readonly accessKeyIds: readonly string[];
  /** Whether the task scope went to AWS as the session policy (else the role's own permissions apply at AWS). */
  readonly sessionPolicy: boolean;
  readonly region: string;
}

/** Where the gateway's AWS credentials come from, and whether they are usable now. */
export type CredentialMode = 'profile' | 'oidc';

/** `GET /identity`: what the status bar and `airlock whoami` show. */
export interface IdentityStatus {
  readonly mode: CredentialMode;
  /** OIDC mode: `signed-in`, `signed-out`, or `failed` (a refresh failed: sign in again). Profile: always `profile`. */
  readonly state: 'profile' | 'signed-in' | 'signed-out' | 'failed';
  readonly issuer?: string;
  /** The public client Airlock signs in as (not a secret: `airlock login` reads it from here). */
  readonly clientId?: string;
  readonly scopes?: readonly string[];
  readonly roleArn?: string;
  readonly identity?: IdentityInfo;
  /** When the gateway's current AWS credentials expire (refreshed before). */
  readonly expiresAt?: string;
  /** Why the last sign-in or refresh failed. */
  readonly error?: string;
}

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
  /** Who started it, from their ID token (OIDC mode). */
  readonly identity?: IdentityInfo;
  /** The task's own STS session (OIDC mode). */
  readonly session?: TaskSessionInfo;
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
  /** OIDC mode: the task's own STS session (what AWS enforces, and what CloudTrail will name). */
  readonly session?: TaskSessionInfo;
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

/**
 * How much of a held call's body its approval binds (gateway/approvals/request-key.ts): the bytes
 * (`sha256`: buffered, or streamed with a digest AWS checks), only what is declared about them
 * (`declared-length`: an `UNSIGNED-PAYLOAD` upload, whose bytes nobody sees before they are sent;
 * its length and checksum headers are bound), nothing that ties attempts together
 * (`per-attempt`: no declared length, so every attempt waits for its own decision), or there is
 * no body (`none`).
 */
export type BodyBinding =
  | { readonly kind: 'none' }
  | { readonly kind: 'sha256'; readonly sha256: string }
  | { readonly kind: 'declared-length'; readonly bytes: number }
  | { readonly kind: 'per-attempt' };

/**
 * The header a control-API client names itself with (`airlock-cli/1 approve pid=… tty=… user=…`,
 * `airlock-vscode/0.4.0 window=… pid=…`); the gateway records it with every decision it makes.
 */
export const CLIENT_HEADER = 'x-airlock-client';

/** The control-API client a decision came from: what it said it is, and what the gateway saw. */
export interface DecisionClient {
  /**
   * The client's own CLIENT_HEADER, or `unknown client` when it sent none. Self-declared: any
   * process that can read the control token can claim any name.
   */
  readonly declared: string;
  /** The loopback address and port the decision came from. */
  readonly address?: string;
  /** The OS user id owning that connection's other end (Linux), even when its process is not visible. */
  readonly uid?: number;
  /**
   * The process at the other end of that connection, as the operating system names it (Linux,
   * when the gateway may read it): unlike `declared`, the client cannot choose it.
   */
  readonly process?: DecisionClientProcess;
}

export interface DecisionClientProcess {
  readonly pid: number;
  /** Its command line, shortened. */
  readonly command: string;
  /** Who started it (a shell, an editor, an agent), same shape, one level. */
  readonly parent?: { readonly pid: number; readonly command: string };
}

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
  /** The rule that asked (id and reason), and who may approve (absent: anyone who can decide). */
  readonly rule?: { readonly id: string; readonly reason: string; readonly approvers?: readonly string[] };
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly state: ApprovalState;
  /** How many times the agent's retries attached to this approval. */
  readonly attempts: number;
  /** How much of the request body the approval binds (absent from gateways before it was added). */
  readonly bodyBinding?: BodyBinding;
  readonly decision?: ApprovalDecision;
  readonly decidedBy?: string;
  /** The signed-in person the gateway decided for (OIDC mode), from their ID token. */
  readonly decidedByIdentity?: IdentityInfo;
  /** The control-API client the decision came from (absent when the gateway itself decided). */
  readonly decidedVia?: DecisionClient;
  readonly decidedAt?: string;
  readonly reason?: string;
  /**
   * Retries of the approved-once call that went through on this approval after AWS failed the
   * attempt it let through (5xx, throttling, connection error).
   */
  readonly retriesRidden?: number;
  /** False when "approve for the task" cannot apply (the call names no action and resource). */
  readonly grantable?: boolean;
  /** approve-for-task: the resource patterns the grant covers for the call's actions. */
  readonly grant?: { readonly resources: readonly string[] };
  /** How much harm the call can do, and why (gateway/approvals/assess-call.ts). */
  readonly risk?: ApprovalRisk;
  /** The parameters that matter, in words (policy documents pretty-printed, broad grants flagged). */
  readonly facts?: readonly ApprovalFact[];
  /** The client program that made the call, from its User-Agent (`aws-cli/1.32.0`). */
  readonly caller?: string;
}

export type RiskLevel = 'high' | 'medium' | 'low';

export interface ApprovalRisk {
  readonly level: RiskLevel;
  /** Why, one short sentence each (`grants AdministratorAccess: every action on every resource`). */
  readonly reasons: readonly string[];
}

/** One parameter that matters for the decision. */
export interface ApprovalFact {
  readonly label: string;
  /** Plain text; multi-line for a pretty-printed document. */
  readonly value: string;
  /** Set when the value is a document (JSON), to be shown monospaced. */
  readonly document?: boolean;
  /** What is dangerous about it, when something is. */
  readonly warning?: string;
}

export interface ListApprovalsResponse {
  readonly approvals: readonly ApprovalInfo[];
}

export interface DecideApprovalRequest {
  readonly decision: ApprovalDecision;
  readonly reason?: string;
  /**
   * Who decided (editor user, CLI user); the gateway records it, next to the client the request
   * came from (CLIENT_HEADER and what the gateway sees of the connection).
   */
  readonly decidedBy?: string;
  /**
   * approve-for-task only: what the grant covers besides this call, as resource patterns (the
   * call's own ARNs, or ARNs with wildcards in the resource part that match them:
   * gateway/approvals/grant-pattern.ts). Default: exactly the call's resources.
   */
  readonly grant?: { readonly resources: readonly string[] };
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
  /** Signed in, signed out, refreshed, or a refresh failed (the extension notifies on `failed`). */
  | { readonly type: 'identity.changed'; readonly status: IdentityStatus }
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
  /** The ask rule names `approvers` and the signed-in person is not one of them. */
  | 'NotAllowedToApprove'
  | 'StorageFull'
  | 'StorageUnavailable'
  /** OIDC mode: STS would not give the task a session (signed out, or the role refused). */
  | 'SessionUnavailable'
  | 'TooManyOpenFiles'
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
  | { readonly route: 'GET /policy'; readonly response: EffectivePolicyResponse }
  | { readonly route: 'GET /identity'; readonly response: IdentityStatus }
  /** Re-reads the refresh token `airlock login` stored in the data dir and signs in with it. */
  | { readonly route: 'POST /identity/reload'; readonly response: IdentityStatus }
  /** The extension's sign-in: the refresh token from its SecretStorage, held in memory only. */
  | {
      readonly route: 'POST /identity/sign-in';
      readonly request: { readonly refreshToken: string };
      readonly response: IdentityStatus;
    }
  | { readonly route: 'POST /identity/sign-out'; readonly response: IdentityStatus };
