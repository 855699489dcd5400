import type { Agent } from 'node:http';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { TaskInfo } from '../protocol';
import type { ChildSession, ChildSessions } from '../identity/child-sessions';
import type { ApprovalManager } from '../approvals/approval-manager';
import type { EventBus } from '../approvals/event-bus';
import type { Journal } from '../journal/journal';
import type { Masking } from '../masking';
import type { Logger } from '../server/logger';
import type { QueueUrlTable } from '../sqs/queue-urls';
import type { TaskRegistry } from '../tasks/task-registry';
import type { AccountView } from '../upstream/account-resolver';
import type { Resigner } from '../upstream/resign';
import type { UpstreamTarget } from '../upstream/upstream-target';
import type { BodyBudget } from './body-budget';
import type { CallDecider } from './decide';

/** What the call pipeline needs from the running gateway. */
export interface PipelineDeps {
  readonly tasks: TaskRegistry;
  readonly journal: Journal;
  /** Answers wait for their call.response event's fdatasync (`--sync-responses`): two durability points per call. */
  readonly syncResponses?: boolean;
  readonly decider: CallDecider;
  /** Held calls waiting for a human (the ask stage). */
  readonly approvals: ApprovalManager;
  /** Live events for the control API's `GET /events`. */
  readonly events: EventBus;
  readonly resigner: Resigner;
  /** Send every call here instead of the real AWS endpoint (tests, sandboxes, replays). */
  readonly upstream?: URL;
  /** Extra CA to trust for an https upstream. */
  readonly upstreamCa?: string;
  /** The account of the real credentials, for resource ARNs (UNKNOWN_ACCOUNT until known). */
  readonly account: { forCall(): Promise<AccountView> };
  /** Request bodies held in memory, unverified ones above all (refused past it). */
  readonly bodyBudget: BodyBudget;
  readonly log: Logger;
  /** Masks request params for the recording and responses for the agent and the recording. */
  readonly masking: Masking;
  /** How long AWS may stay silent before a call fails (default: forward.ts's). */
  readonly upstreamTimeoutMs?: number;
  /** The connection agent for a forward (the gateway's own parent proxy); undefined: direct. */
  readonly upstreamAgent?: (target: UpstreamTarget) => Agent | undefined;
  /** Real SQS queue URLs behind the ones agents are given (they point at the gateway). */
  readonly queueUrls: QueueUrlTable;
  /** OIDC mode: the task's own STS session credentials (absent: the gateway's own credentials). */
  readonly taskCredentials?: (task: TaskInfo) => Promise<AwsCredentialIdentity>;
  /** Roles agents assumed through the gateway: derived keys, AWS's credentials held here. */
  readonly children?: ChildSessions;
  /** Records that an agent assumed a role (a child session of the task). */
  readonly childIssued?: (child: ChildSession) => void;
}
