/**
 * The session bundle (`*.airlock`), format version 2 (version 1 is the same without `review`):
 *
 *   AIRLOCK-BUNDLE/2\n                        plain-text magic and version (readable without inflating)
 *   gzip(                                      exactly one member, header bytes fixed (gzip-frame.ts)
 *     <header: canonical JSON, one line>\n    task, policy, approvals, masked fields, chain head,
 *                                              the access review as exported, signer
 *     <event 1: canonical JSON without hash>\n   exactly the bytes its chain hash covers
 *     ...
 *     <event N>\n
 *     {"signature":"<base64 Ed25519 over the header line>"}\n
 *   )
 *
 * The signature covers the header, the header names the chain head, and the chain covers every
 * event: editing, dropping or reordering any event, or the header, breaks verification, which
 * needs nothing but the file (the public key travels in the header; its fingerprint is what a
 * reader trusts). The gzip framing around them is checked byte for byte (one member, the header
 * the exporter writes, nothing after it), so no byte of the file escapes both; only the deflate
 * encoding is free, and whatever it encodes is the very text that is verified.
 */
import type { TaskReview } from '../review/review-types';

export const BUNDLE_MAGIC = 'AIRLOCK-BUNDLE/';
export const BUNDLE_VERSION = 2;
/** Versions this airlock reads: 1 carried no review (a reader computes it from the events). */
export const READABLE_BUNDLE_VERSIONS: readonly number[] = [1, 2];
export const BUNDLE_FORMAT = 'airlock-bundle';

export interface BundleTask {
  readonly taskId: string;
  readonly name?: string;
  readonly startedBy?: string;
  readonly agent?: string;
  readonly workspace?: string;
  readonly startedAt?: string;
  readonly expiresAt?: string;
  readonly endedAt?: string;
  readonly state?: string;
}

export interface BundleApproval {
  readonly approvalId: string;
  readonly callId?: string;
  readonly action?: string;
  readonly resources?: readonly string[];
  readonly rule?: string;
  readonly requestedAt: string;
  readonly state: 'pending' | 'approved' | 'denied' | 'expired';
  readonly decision?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
}

export interface BundleMaskedField {
  readonly where: 'request' | 'response';
  readonly field: string;
  readonly source: string;
  /** Values masked at this field over the whole task. */
  readonly count: number;
}

export interface BundlePolicy {
  /** The task's scope as recorded when it started (an IAM policy document), if it had one. */
  readonly taskScope?: unknown;
  /** The workspace policy the exporting gateway had in force at export time, when known. */
  readonly workspace?: unknown;
  readonly workspaceSource?: unknown;
  readonly note?: string;
}

export interface BundleHeader {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly task: BundleTask;
  readonly policy: BundlePolicy;
  readonly approvals: readonly BundleApproval[];
  readonly masked: readonly BundleMaskedField[];
  readonly events: {
    readonly count: number;
    readonly head: { readonly seq: number; readonly hash: string };
    /**
     * The head the exporting gateway had recorded for this journal outside it (its anchor). A
     * bundle whose events end before it (exported with --allow-truncated) says so to every reader.
     */
    readonly recorded?: { readonly seq: number; readonly hash: string };
    /** Recording format versions of the events inside. */
    readonly formatVersions: readonly number[];
  };
  /**
   * The task's access review as the exporting airlock computed it from these very events
   * (version 2 on), so a reviewer with only the bundle sees the review made where it was
   * recorded. The events stay the record: a reader recomputes it and flags any difference.
   */
  readonly review?: TaskReview;
  readonly signer: {
    readonly algorithm: 'ed25519';
    /** SubjectPublicKeyInfo DER, base64. */
    readonly publicKey: string;
    readonly fingerprint: string;
  };
}
