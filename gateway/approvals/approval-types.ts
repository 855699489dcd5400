import type { EventBody } from '../journal/events';
import type { ApprovalInfo, BodyBinding, GatewayEvent, TaskInfo } from '../protocol';
import type { Logger } from '../server/logger';
import type { ParamsMasker } from './redact-params';
import type { Ride } from './retry-rides';
import type { GrantPair } from './task-grants';

export type ApprovalErrorCode = 'NotFound' | 'ApprovalNotPending' | 'InvalidGrant';

export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A held call, as the hold stage describes it. */
export interface ApprovalRequest {
  /** Identifies the call across retries (request-key.ts). */
  readonly key: string;
  /** How much of the body that key binds; shown to the approver. */
  readonly bodyBinding: BodyBinding;
  readonly task: TaskInfo;
  readonly identity: string;
  readonly callId: string;
  readonly service: string;
  readonly operation?: string;
  readonly action: string;
  readonly resources: readonly string[];
  /** What "approve for the task" grants. */
  readonly pairs: readonly GrantPair[];
  readonly summary: string;
  /** The request parameters as identified; masked here before anyone sees them. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly rule: { readonly id: string; readonly reason: string; readonly approvers?: readonly string[] };
  /** The client program, from the User-Agent's first product (`aws-cli/1.32.0`). */
  readonly caller?: string;
}

export type HoldOutcome =
  /** `ride`: a retry let through because AWS failed the attempt the approval let through. */
  | { readonly kind: 'approved'; readonly approval: ApprovalInfo; readonly ride?: Ride }
  | { readonly kind: 'denied'; readonly approval: ApprovalInfo }
  | { readonly kind: 'expired'; readonly approval: ApprovalInfo; readonly timeoutSeconds: number }
  /** Another attempt of the same call took the approval (an approval lets one call through). */
  | { readonly kind: 'superseded'; readonly approval: ApprovalInfo }
  /** The client went away while waiting; the approval stays pending for its retry. */
  | { readonly kind: 'abandoned'; readonly approval: ApprovalInfo };

export interface ApprovalManagerOptions {
  /** Read when an approval is raised, so a policy reload applies to the next one. */
  readonly timeoutSeconds: () => number;
  /** Durable recording into the task's journal; a failure refuses the call or the decision. */
  readonly record: (taskId: string, events: EventBody[]) => Promise<void>;
  readonly publish: (event: GatewayEvent) => void;
  readonly log: Logger;
  /** What the approver sees of the parameters (the masking engine's hook; default: redact by name). */
  readonly maskParams?: ParamsMasker;
  readonly now?: () => number;
  /** Schedules `fn` after `ms`; returns a cancel function. Tests substitute a manual clock. */
  readonly setTimer?: (fn: () => void, ms: number) => () => void;
}
