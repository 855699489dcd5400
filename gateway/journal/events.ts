/**
 * The recording format, version 2. Each line of a task's journal file is one event in canonical
 * JSON. `prev` is the hash of the previous event of the same task (64 zeros for the first) and
 * `hash` is SHA-256 over the canonical JSON of the event without `hash`: a per-task hash chain.
 * Readers must accept every version up to FORMAT_VERSION.
 *
 * Versions: 1 = the spine (params unmasked, no bodies). 2 = request params masked, with the list
 * of masked fields; streamed request/response bodies as size and checksums; buffered response
 * bodies recorded masked and capped; approval events. Every v1 event is a valid v2 event: the
 * fields v2 added are all optional, so one chain may hold both.
 */

import type { BodyBinding, DecisionClient, IdentityInfo, TaskSessionInfo } from '../protocol';

export const FORMAT_VERSION = 2;
export const GENESIS_HASH = '0'.repeat(64);

export interface CallRequestData {
  readonly callId: string;
  readonly arrival: 'endpoint' | 'proxy';
  readonly identity: string;
  readonly accessKeyId: string;
  readonly method: string;
  /** Path and query without any signature parameters. */
  readonly target: string;
  readonly service: string;
  readonly region: string;
  readonly operation?: string;
  readonly protocol: string;
  readonly actions: readonly { readonly action: string; readonly resources: readonly string[] }[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly bodyBytes?: number;
  readonly contentSha256?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Request fields masked in `params` and `target` (names and sources, never values). v2. */
  readonly masked?: readonly RecordedMaskedField[];
  /** The body streamed to AWS unread (S3 objects): client-declared checksums, AWS checks them. v2. */
  readonly bodyStreamed?: boolean;
  readonly bodyChecksums?: Readonly<Record<string, string>>;
  /**
   * Where the account in the resource ARNs came from: `credentials` (STS GetCallerIdentity),
   * `configured` (--account-id, the lookup failed) or `unknown` (ARNs say `(unknown-account)`). v2.
   */
  readonly accountSource?: 'credentials' | 'configured' | 'unknown';
}

/** One masked field, as recorded (see gateway/masking MaskedField). */
export interface RecordedMaskedField {
  readonly where: 'request' | 'response';
  readonly field: string;
  readonly source: string;
  readonly count: number;
  readonly recordingOnly?: true;
}

export interface CallDecisionData {
  readonly callId: string;
  readonly decision: 'allow' | 'deny';
  readonly reason: string;
  readonly rule?: string;
  /** The approval that decided this call (it was held for a human). */
  readonly approvalId?: string;
  /** How long this call was held waiting for that approval. */
  readonly waitedMs?: number;
  /**
   * A retry that went through on an approve-once approval because AWS failed the attempt it let
   * through (gateway/approvals/retry-rides.ts): that attempt, how it failed, which retry this is.
   */
  readonly retryOf?: { readonly callId: string; readonly failure: string; readonly retry: number };
}

/** A call was held for a human; written before anyone is prompted. */
export interface ApprovalRequestedData {
  readonly approvalId: string;
  /** The call that raised it (retries of the same call attach to it and are not re-recorded here). */
  readonly callId: string;
  readonly identity: string;
  readonly service: string;
  readonly operation?: string;
  readonly action: string;
  readonly resources: readonly string[];
  readonly summary: string;
  /** Request parameters as shown to the approver (masked). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly rule: { readonly id: string; readonly reason: string };
  readonly expiresAt: string;
  readonly timeoutSeconds: number;
  /** How much of the body the approval binds (an unsigned upload's bytes cannot be). */
  readonly bodyBinding?: BodyBinding;
}

export interface ApprovalDecidedData {
  readonly approvalId: string;
  readonly decision: 'approve-once' | 'approve-for-task' | 'deny';
  readonly decidedBy: string;
  /** The control-API client the decision came from; absent when the gateway decided (task end). */
  readonly client?: DecisionClient;
  /** The signed-in person the gateway decided for (OIDC mode). */
  readonly decidedByIdentity?: IdentityInfo;
  readonly reason?: string;
  /** From the request to the decision. */
  readonly waitedMs: number;
  /** Attempts of the call (first try plus retries) that were waiting on it. */
  readonly attempts: number;
}

export interface ApprovalExpiredData {
  readonly approvalId: string;
  readonly timeoutSeconds: number;
  readonly waitedMs: number;
  readonly attempts: number;
}

export interface CallResponseData {
  readonly callId: string;
  readonly status: number;
  readonly awsRequestId?: string;
  readonly errorCode?: string;
  readonly responseBytes: number;
  readonly upstreamMs?: number;
  readonly gatewayMs: number;
  /** True when the call was answered by the gateway itself (denied, refused) and never forwarded. */
  readonly local: boolean;
  /** The agent went away before it had the whole answer (it gave up waiting, or its connection broke). */
  readonly aborted?: boolean;
  /** v2: what came back, as recorded. */
  readonly contentType?: string;
  readonly contentEncoding?: string;
  /** The body as the recording keeps it: masked, decoded, cut at `bodyCapBytes`. */
  readonly body?: string;
  /** How the body was read for masking; `text` when it was not the JSON/XML it claimed to be. */
  readonly bodyFormat?: 'json' | 'xml' | 'text';
  /** Decoded size of the whole body (the recorded `body` may be shorter). */
  readonly bodyBytes?: number;
  readonly bodyTruncated?: boolean;
  readonly bodyCapBytes?: number;
  /** The body streamed through unread (object bodies): size in `responseBytes`, plus checksums. */
  readonly bodyStreamed?: boolean;
  readonly bodyChecksums?: Readonly<Record<string, string>>;
  /** Why a non-secret-bearing body passed unmasked (larger than the masking cap, unknown coding). */
  readonly maskingSkipped?: 'over-cap' | 'unknown-encoding';
  readonly masked?: readonly RecordedMaskedField[];
}

export interface CallErrorData {
  readonly callId?: string;
  /** How the refused call arrived (absent in journals written before proxy mode). */
  readonly arrival?: 'endpoint' | 'proxy';
  readonly code: string;
  readonly message: string;
  readonly accessKeyId?: string;
}

export interface TaskStartedData {
  readonly taskId: string;
  readonly name: string;
  readonly accessKeyId: string;
  readonly startedBy: string;
  readonly expiresAt: string;
  readonly scope?: unknown;
  readonly agent?: string;
  readonly workspace?: string;
  /** Who started it, from their ID token (OIDC mode). */
  readonly identity?: IdentityInfo;
}

/**
 * AWS issued the task (new) STS session credentials (OIDC mode): the session name and key id a
 * CloudTrail record carries, so each leads to the other. Never the secret or the token.
 */
export type TaskSessionData = TaskSessionInfo & { readonly taskId: string };

/** The agent assumed a role through the gateway: a child session of the task, with a derived key. */
export interface TaskChildData {
  readonly taskId: string;
  /** The derived key the agent got (its calls carry it in call.request's accessKeyId). */
  readonly accessKeyId: string;
  /** The key AWS issued for the role session (CloudTrail's), never its secret or token. */
  readonly awsAccessKeyId: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  readonly expiresAt: string;
}

export interface TaskEndedData {
  readonly taskId: string;
  readonly reason: 'ended' | 'expired';
}

export type EventBody =
  | { readonly type: 'task.started'; readonly data: TaskStartedData }
  | { readonly type: 'task.ended'; readonly data: TaskEndedData }
  | { readonly type: 'task.session'; readonly data: TaskSessionData }
  | { readonly type: 'task.child'; readonly data: TaskChildData }
  | { readonly type: 'call.request'; readonly data: CallRequestData }
  | { readonly type: 'call.decision'; readonly data: CallDecisionData }
  | { readonly type: 'call.response'; readonly data: CallResponseData }
  | { readonly type: 'call.error'; readonly data: CallErrorData }
  | { readonly type: 'approval.requested'; readonly data: ApprovalRequestedData }
  | { readonly type: 'approval.decided'; readonly data: ApprovalDecidedData }
  | { readonly type: 'approval.expired'; readonly data: ApprovalExpiredData };

export type JournalEvent = EventBody & {
  readonly v: number;
  readonly task: string;
  readonly seq: number;
  readonly ts: string;
  readonly prev: string;
  readonly hash: string;
};
