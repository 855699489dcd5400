/** What can be wrong with a bundle, as `airlock verify` names it. */
export type BundleFaultKind =
  | 'not-a-bundle'
  | 'unknown-version'
  | 'truncated'
  | 'corrupt'
  /** Bytes of the file no signature or hash covers (gzip header fields, extra members, appended data). */
  | 'unsigned-bytes'
  | 'bad-header'
  | 'bad-signature'
  | 'untrusted-signer'
  | 'edited-event'
  | 'dropped-events'
  | 'reordered-events'
  | 'extra-events'
  /** The review the bundle carries differs from the review its (verified) events give. */
  | 'review-mismatch';

export interface BundleFault {
  readonly kind: BundleFaultKind;
  readonly message: string;
  /** The event the fault is about, when there is one. */
  readonly seq?: number;
}

/** Export and import failures (the store, not the bundle's integrity). */
export class BundleError extends Error {
  constructor(
    readonly code:
      | 'NoSuchTask'
      | 'JournalCorrupt'
      | 'EmptyTask'
      | 'BadBundle'
      /** The journal ends before the head the gateway recorded for it (events were removed). */
      | 'JournalTruncated'
      /** The bundle's signer is neither this gateway's key nor pinned in the workspace policy. */
      | 'UnknownSigner',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}
