/**
 * The shape of an access review (JSON for auditors, the timeline's Review view, bundles read
 * offline). Types only, so the webview can import it without pulling in the policy core.
 */
import type { Outcome, RecordedTask, Verdict } from './session-calls';
import type { GrantUsage } from './scope-usage';

export const REVIEW_FORMAT = 'airlock-review';
export const REVIEW_VERSION = 1;

export interface UsedPair {
  readonly action: string;
  readonly resource: string;
  readonly allowed: number;
  readonly denied: number;
  readonly first: string;
  readonly last: string;
}

export interface JudgedCall {
  readonly callId: string;
  readonly ts: string;
  readonly operation?: string;
  readonly service: string;
  readonly action: string;
  readonly resources: readonly string[];
  readonly verdict: Verdict;
  readonly outcome: Outcome;
  readonly rule?: string;
  readonly reason?: string;
  /** `gateway` when a rule decided; the person (and client) when a human did; `timeout` on expiry. */
  readonly decidedBy: string;
  readonly decidedVia?: string;
  readonly decidedAt?: string;
}

export interface OutsideScopeCall {
  readonly callId: string;
  readonly ts: string;
  /** The first pair the scope does not allow, and how the scope judged it. */
  readonly action: string;
  readonly resource: string;
  readonly scopeDecision: 'ExplicitDeny' | 'ImplicitDeny';
  readonly outcome: Outcome;
  readonly decidedBy: string;
}

export interface MaskedSummary {
  readonly total: number;
  /** Masked values per kind (the catalogue entry, shape detector or rule that caught them). */
  readonly byKind: Readonly<Record<string, number>>;
  readonly fields: readonly { where: string; field: string; source: string; count: number }[];
}

export interface TaskReview {
  readonly format: typeof REVIEW_FORMAT;
  readonly version: number;
  readonly task: RecordedTask;
  readonly identity: {
    readonly startedBy?: string;
    readonly agent?: string;
    /** Identities the calls were recorded under (the task's key, as the gateway verified it). */
    readonly callIdentities: readonly string[];
  };
  readonly totals: {
    readonly calls: number;
    readonly allowed: number;
    readonly denied: number;
    readonly asked: number;
    readonly undecided: number;
    readonly outsideScope: number;
    readonly refused: number;
    readonly unidentified: number;
  };
  readonly scope: { readonly granted: boolean; readonly grants: readonly GrantUsage[] };
  readonly unusedGrants: readonly GrantUsage[];
  readonly used: readonly UsedPair[];
  readonly judged: readonly JudgedCall[];
  readonly outsideScope: readonly OutsideScopeCall[];
  readonly masked: MaskedSummary;
  readonly refused: readonly { code: string; count: number }[];
  /**
   * What the reader found wrong with the recording (a journal cut short or failing verification,
   * a bundle marked incomplete): the review covers only what verified. Set by whoever read it.
   */
  readonly warnings?: readonly string[];
}
