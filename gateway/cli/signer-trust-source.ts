import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pinnedSigners, type SignerTrust } from '../bundle/signer-trust';
import { ownSigningFingerprint } from '../bundle/signing-key';
import { ControlClient } from '../control/control-client';
import { loadPolicyFile, PolicyFileError } from '../policy-file';
import { CliError } from './cli-error';

/** The workspace policy's usual place, relative to where the CLI runs (the workspace). */
const WORKSPACE_POLICY = '.airlock/policy.json';

async function fromFile(file: string): Promise<SignerTrust['pinned']> {
  try {
    return pinnedSigners((await loadPolicyFile(file)).policy);
  } catch (e) {
    if (e instanceof PolicyFileError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * Whom `verify` and `import` trust: this data dir's own signing key, and the signers pinned in the
 * workspace policy's `trustedSigners`: the file given with --policy; else the policy the running
 * gateway has in force; else `.airlock/policy.json` in the current directory, if there is one.
 */
export async function signerTrustFor(dataDir: string, policyFile?: string): Promise<SignerTrust> {
  // A data dir with a broken key still verifies bundles; it just knows no key of its own.
  const own = await ownSigningFingerprint(dataDir).catch(() => undefined);
  if (policyFile) return { own, pinned: await fromFile(policyFile), pinnedFrom: resolve(policyFile) };
  try {
    const p = await (await ControlClient.fromDataDir(dataDir)).policy(2000);
    const from = p.source.kind === 'file' ? p.source.file : 'the built-in default policy';
    return { own, pinned: pinnedSigners(p.policy), pinnedFrom: `the running gateway's policy (${from})` };
  } catch {
    // No gateway answers: fall back to the workspace's file.
  }
  const file = resolve(WORKSPACE_POLICY);
  if (await stat(file).catch(() => undefined)) return { own, pinned: await fromFile(file), pinnedFrom: file };
  return { own, pinned: [] };
}
