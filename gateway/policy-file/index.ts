/** The workspace policy file: parse with positions, validate, compile, watch and reload. */
export {
  compileWorkspacePolicy,
  IDENTITY_KEY,
  matchRule,
  type CompiledRuleSet,
  type EffectivePolicy,
} from './compile-policy';
export { DEFAULT_POLICY_DOCUMENT } from './default-policy';
export { PolicyFileError } from './errors';
export { defaultPolicy, loadPolicyFile, loadPolicyText } from './load-policy';
export { PolicyStore, type PolicyStoreOptions, type ReloadOutcome } from './policy-store';
export { DEFAULT_APPROVAL_TIMEOUT_SECONDS, MAX_APPROVAL_TIMEOUT_SECONDS } from './validate-policy';
export { POLICY_FILE_VERSION } from './types';
export type * from './types';
