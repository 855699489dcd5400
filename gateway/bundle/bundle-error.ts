/** What can be wrong with a bundle, as `airlock verify` names it. */
export type BundleFaultKind =
  | 'not-a-bundle'
  | 'unknown-version'
  | 'truncated'
  | 'corrupt'
  | 'bad-header'
  | 'bad-signature'
  | 'untrusted-signer'
  | 'edited-event'
  | 'dropped-events'
  | 'reordered-events'
  | 'extra-events';

export interface BundleFault {
  readonly kind: BundleFaultKind;
  readonly message: string;
  /** The event the fault is about, when there is one. */
  readonly seq?: number;
}

/** Export and import failures (the store, not the bundle's integrity). */
export class BundleError extends Error {
  constructor(
    readonly code: 'NoSuchTask' | 'JournalCorrupt' | 'EmptyTask' | 'BadBundle',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}
