/**
 * Messages between the extension host and the timeline webview. Dependency-free (types only from
 * the gateway's control protocol), so the extension imports this file as it is.
 *
 * Handshake: the webview posts `ready` once it can receive; the host answers with `init`, then
 * `events` batches. The host queues everything until `ready`, and answers every later `ready`
 * (the webview was reloaded) with a fresh `init` and the events again (`reset: true`).
 */
import type { ApprovalDecision, ApprovalInfo, TaskInfo } from '../../gateway/protocol';
import type { TaskReview } from '../../gateway/review/review-types';

export type { ApprovalDecision, ApprovalInfo, TaskInfo, TaskReview };

export const WEBVIEW_PROTOCOL_VERSION = 1;

/**
 * One recorded event as the journal writes it (gateway/journal/events.ts `JournalEvent` fits).
 * Kept loose on purpose: newer gateways add event types and fields, and a bundle may come from
 * another version; the webview reads what it knows and ignores the rest.
 */
export interface WireEvent {
  readonly type: string;
  readonly ts: string;
  readonly seq?: number;
  readonly task?: string;
  readonly v?: number;
  readonly data?: unknown;
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** Where the timeline runs: the gateway's own tasks, or a read-only bundle someone sent. */
export type TimelineMode = 'live' | 'bundle';

/** Counts shown in the task list; the host computes them (see model/task-summary.ts). */
export interface TaskCounts {
  readonly calls: number;
  readonly allowed: number;
  readonly denied: number;
  readonly approved: number;
  readonly pending: number;
  /** Calls with at least one masked value. */
  readonly masked: number;
  /** Calls the gateway refused before deciding (bad signature, unknown key, ...). */
  readonly refused: number;
  /** Allowed calls that AWS answered with an error status. */
  readonly failed: number;
}

/** Who signed an imported bundle. */
export interface BundleSigner {
  readonly fingerprint: string;
  /** A readable name when the bundle carries one (the exporting user or gateway). */
  readonly name?: string;
  readonly verified: boolean;
  /** The key is this gateway's own or pinned in the workspace policy's trustedSigners. */
  readonly known?: boolean;
}

export interface TaskSummary {
  readonly task: TaskInfo;
  /** Absent until the host has counted the task's journal. */
  readonly counts?: TaskCounts;
  /** Last recorded event, for durations of tasks still running. */
  readonly lastEventAt?: string;
  /** Set for tasks that come from an imported bundle. */
  readonly imported?: { readonly signer: BundleSigner; readonly file?: string };
  /**
   * What is wrong with the recording, in words: a journal that ends before the head the gateway
   * recorded (events were removed), a broken chain, a bundle that says it is incomplete.
   */
  readonly fault?: string;
  /** The user may end this task from the list (an active agent task; the workspace task is always on). */
  readonly endable?: boolean;
}

/** What the panel shows: the task list (the sidebar view) or one task's session (an editor). */
export type TimelineView = { readonly kind: 'tasks' } | { readonly kind: 'session'; readonly taskId: string };

export type BundleVerification =
  | { readonly state: 'verifying' }
  | {
      readonly state: 'verified';
      readonly fingerprint: string;
      readonly signer?: string;
      /** False: a valid signature by a key nobody here trusts (anyone can re-sign an edited session). */
      readonly known?: boolean;
      /** Set when the bundle says its session is not whole (events removed before export). */
      readonly incomplete?: string;
      readonly exportedAt?: string;
    }
  | {
      readonly state: 'failed';
      /** Stable code from the bundle verifier (e.g. `SignatureInvalid`, `ChainBroken`). */
      readonly code: string;
      /** Exactly what failed, in words (which event, which hash, which key). */
      readonly message: string;
      readonly fingerprint?: string;
      /** Events (seqs) the verifier located as changed after signing, when it could locate them. */
      readonly changedEvents?: readonly number[];
      /** The calls those events belong to: their rows and details are marked "changed after signing". */
      readonly changedCalls?: readonly string[];
    };

/** A masked request or response body, as the recording keeps it. */
export interface BodyDetail {
  readonly text: string;
  readonly contentType?: string;
  /** True when the recording holds only the beginning of the body. */
  readonly truncated?: boolean;
}

// ---- host → webview ----------------------------------------------------------------------------

export interface InitMessage {
  readonly type: 'init';
  readonly protocol: number;
  readonly mode: TimelineMode;
  readonly theme: ThemeKind;
  readonly view: TimelineView;
  readonly tasks: readonly TaskSummary[];
  /** Pending approvals the user can decide (live mode). */
  readonly approvals?: readonly ApprovalInfo[];
  /**
   * Live mode: when the gateway running on the data dir started; absent when none runs. Calls
   * without an outcome from before it were cut off by a stopped gateway (model/unrecorded.ts).
   */
  readonly gatewayStartedAt?: string;
}

/** A batch of one task's events, in journal order. `reset` replaces what the webview holds. */
export interface EventsMessage {
  readonly type: 'events';
  readonly taskId: string;
  readonly events: readonly WireEvent[];
  readonly reset?: boolean;
}

export interface TasksMessage {
  readonly type: 'tasks';
  readonly tasks: readonly TaskSummary[];
}

export interface ApprovalChangedMessage {
  readonly type: 'approvalChanged';
  readonly approval: ApprovalInfo;
}

export interface BundleVerificationMessage {
  readonly type: 'bundleVerification';
  readonly taskId: string;
  readonly verification: BundleVerification;
}

/** The answer to `requestDetail`: the call's masked bodies, or none when none were recorded. */
export interface DetailMessage {
  readonly type: 'detail';
  readonly taskId: string;
  readonly callId: string;
  readonly request?: BodyDetail;
  readonly response?: BodyDetail;
}

export interface ThemeMessage {
  readonly type: 'theme';
  readonly theme: ThemeKind;
}

/** Select a call and scroll to it (e.g. from an approval notification's "Details"). */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly taskId: string;
  readonly callId: string;
}

/** The answer to `requestReview`: the task's access review (gateway/review/), or why there is none. */
export interface ReviewMessage {
  readonly type: 'review';
  readonly taskId: string;
  readonly review?: TaskReview;
  readonly error?: string;
}

/** Show the task's Review tab (the "Review Task Access" command). */
export interface ShowReviewMessage {
  readonly type: 'showReview';
  readonly taskId: string;
}

export type HostMessage =
  | ReviewMessage
  | ShowReviewMessage
  | InitMessage
  | EventsMessage
  | TasksMessage
  | ApprovalChangedMessage
  | BundleVerificationMessage
  | DetailMessage
  | ThemeMessage
  | RevealMessage;

// ---- webview → host ----------------------------------------------------------------------------

export interface ReadyMessage {
  readonly type: 'ready';
  readonly protocol: number;
}

export interface OpenTaskMessage {
  readonly type: 'openTask';
  readonly taskId: string;
}

export interface DecideApprovalMessage {
  readonly type: 'decideApproval';
  readonly approvalId: string;
  readonly taskId: string;
  readonly callId: string;
  readonly decision: ApprovalDecision;
  readonly reason?: string;
}

export interface RequestDetailMessage {
  readonly type: 'requestDetail';
  readonly taskId: string;
  readonly callId: string;
}

export interface ExportBundleMessage {
  readonly type: 'exportBundle';
  readonly taskId: string;
}

/** Compute the task's access review (answered with `review`). */
export interface RequestReviewMessage {
  readonly type: 'requestReview';
  readonly taskId: string;
}

/** Open the task's least-privilege policy as a new scope template (an untitled JSON editor). */
export interface SuggestPolicyMessage {
  readonly type: 'suggestPolicy';
  readonly taskId: string;
}

/** Decide the task's recorded calls again under a policy the user picks (the host asks which). */
export interface ComparePolicyMessage {
  readonly type: 'comparePolicy';
  readonly taskId: string;
}

/** "End Task" on a row of the task list (the host asks the user to confirm). */
export interface EndTaskMessage {
  readonly type: 'endTask';
  readonly taskId: string;
}

/**
 * "Copy CloudTrail command": the host puts a ready `aws cloudtrail lookup-events` command on the
 * clipboard, for the task's STS session or (with `callId`) for one recorded call.
 */
export interface CopyCloudTrailMessage {
  readonly type: 'copyCloudTrail';
  readonly taskId: string;
  readonly callId?: string;
}

/** "Copy as AWS CLI command": the page built the text; the host puts it on the clipboard. */
export interface CopyCliCommandMessage {
  readonly type: 'copyCliCommand';
  readonly text: string;
}

/** A rule id was clicked: the host opens `.airlock/policy.json` at that rule. */
export interface OpenRuleMessage {
  readonly type: 'openRule';
  readonly ruleId: string;
}

export type WebviewMessage =
  | ReadyMessage
  | CopyCloudTrailMessage
  | OpenTaskMessage
  | DecideApprovalMessage
  | RequestDetailMessage
  | ExportBundleMessage
  | RequestReviewMessage
  | SuggestPolicyMessage
  | ComparePolicyMessage
  | EndTaskMessage
  | CopyCliCommandMessage
  | OpenRuleMessage;
