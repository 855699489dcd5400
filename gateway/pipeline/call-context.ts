import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identified, IamMapping } from '../aws/types';
import type { TaskInfo } from '../protocol';
import type { ParsedAuth, RawRequest } from '../sigv4/types';
import type { AccountView } from '../upstream/account-resolver';
import type { BodyLease } from './body-budget';
import type { ChildSession } from '../identity/child-sessions';

export interface Decision {
  readonly decision: 'allow' | 'deny';
  readonly reason: string;
  readonly rule?: string;
  /** Set when a human's approval (or an earlier approval for the task) decided the call. */
  readonly approvalId?: string;
  /** How long the call was held for that approval. */
  readonly waitedMs?: number;
  /** A retry let through on an approve-once approval after AWS failed the attempt it approved. */
  readonly retryOf?: { readonly callId: string; readonly failure: string; readonly retry: number };
}

/** Everything one call accumulates on its way through the pipeline stages. */
export interface CallContext {
  readonly callId: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly raw: RawRequest;
  /** process.hrtime.bigint() at arrival. */
  readonly arrivedAt: bigint;
  readonly arrival: 'endpoint' | 'proxy';
  /** Proxy mode: the AWS host (`host` or `host:port`) the client addressed; identify reads it. */
  readonly realHost?: string;
  /** The client sent `Expect: 100-continue`: its body waits until we say go. */
  readonly expectContinue: boolean;
  auth?: ParsedAuth;
  task?: TaskInfo;
  /** Signed with a key the gateway derived for a role the agent assumed (task = its parent). */
  child?: ChildSession;
  /** Set when the body was read into memory (non-streaming protocols). */
  body?: Buffer;
  /** True when the body streams through to the upstream untouched. */
  streamBody: boolean;
  /** The gateway changed the buffered body after verifying it (SQS queue URLs mapped back). */
  bodyRewritten?: boolean;
  /** The buffered body's share of the gateway's body budget, released when the call is over. */
  bodyLease?: BodyLease;
  identified?: Identified;
  /** The account the call's resource ARNs were built with, and where it came from. */
  account?: AccountView;
  mapping?: IamMapping;
  decision?: Decision;
  /** Settles once the call.response event queued without waiting is on disk (or failed; logged). */
  responseDurable?: Promise<void>;
  /** Timestamps (hrtime ns) for the timings we record. */
  upstreamStartedAt?: bigint;
  upstreamEndedAt?: bigint;
}
