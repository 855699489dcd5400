import { pinnedSigners, type SignerTrust } from '../../gateway/bundle/signer-trust';
import { ownSigningFingerprint } from '../../gateway/bundle/signing-key';
import type { EffectivePolicyResponse } from '../../gateway/protocol';

/** Whom the editor trusts as bundle signers, asked afresh each time (the policy may have changed). */
export type TrustSource = () => Promise<SignerTrust>;

/**
 * This data dir's own signing key, and the signers pinned in the policy the running gateway has
 * in force (the workspace's `.airlock/policy.json`); with no gateway running, only the own key.
 */
export function signerTrustSource(
  dataDir: string,
  client: () => { policy(): Promise<EffectivePolicyResponse> } | undefined,
): TrustSource {
  return async () => {
    const own = await ownSigningFingerprint(dataDir).catch(() => undefined);
    const policy = await client()
      ?.policy()
      .catch(() => undefined);
    const from = policy?.source.kind === 'file' ? policy.source.file : undefined;
    return { own, pinned: pinnedSigners(policy?.policy), pinnedFrom: from };
  };
}
