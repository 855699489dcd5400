/** A signer the team pinned in the workspace policy (`trustedSigners`). */
export interface TrustedSigner {
  /** `SHA256:` + unpadded base64, as `airlock verify` and `airlock export` print it. */
  readonly fingerprint: string;
  readonly name?: string;
}

/** Whom a reader trusts: its own gateway's key, and the signers its workspace policy pins. */
export interface SignerTrust {
  /** This data dir's signing fingerprint (bundles it exported itself). */
  readonly own?: string;
  readonly pinned: readonly TrustedSigner[];
  /** Where `pinned` came from, for messages (`.airlock/policy.json`, the running gateway's policy). */
  readonly pinnedFrom?: string;
}

/**
 * What a reader can say about a valid signature's key. A valid signature only proves the bundle
 * was not changed after *someone* signed it; anyone can re-sign an edited session with a fresh
 * key. Known means a key this reader has reason to trust.
 */
export interface SignerStatus {
  readonly fingerprint: string;
  readonly known: boolean;
  /** The pinned name, or `this gateway`. */
  readonly name?: string;
  readonly via?: 'this-gateway' | 'policy' | 'expected';
}

export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function judgeSigner(fingerprint: string, trust?: SignerTrust, expected?: string): SignerStatus {
  const pinned = trust?.pinned.find((p) => p.fingerprint === fingerprint);
  if (pinned) return { fingerprint, known: true, name: pinned.name, via: 'policy' };
  if (trust?.own === fingerprint)
    return { fingerprint, known: true, name: 'this gateway', via: 'this-gateway' };
  if (expected === fingerprint) return { fingerprint, known: true, via: 'expected' };
  return { fingerprint, known: false };
}

/** One line for people: who signed, and whether that key is one this reader trusts. */
export function describeSigner(s: SignerStatus): string {
  if (!s.known)
    return `signed by an UNKNOWN key ${s.fingerprint}: not this gateway's, and not pinned in the workspace policy's trustedSigners (anyone can re-sign an edited session with a fresh key; check the fingerprint with the sender)`;
  if (s.via === 'this-gateway') return `signed by this gateway (${s.fingerprint})`;
  if (s.via === 'expected') return `signed by ${s.fingerprint}, as expected`;
  return `signed by ${s.name ?? 'a pinned signer'} (${s.fingerprint}, pinned in trustedSigners)`;
}

/** The pinned signers of a policy document (validated by policy-file), tolerant of their absence. */
export function pinnedSigners(policy: unknown): TrustedSigner[] {
  const list = (policy as { trustedSigners?: unknown } | null | undefined)?.trustedSigners;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (s): s is TrustedSigner =>
      typeof s === 'object' && s !== null && typeof (s as TrustedSigner).fingerprint === 'string',
  );
}
