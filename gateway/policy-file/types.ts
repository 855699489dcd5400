/**
 * The workspace policy (`.airlock/policy.json`) as the gateway holds it once parsed and
 * validated: defaults filled in, every list present. Types only, no imports, so the control
 * protocol, the masking engine and the extension can all read them.
 *
 * The JSON schema users edit against is `policy.schema.json` next to this file; the validator in
 * `validate-policy.ts` enforces the same shape with line numbers.
 */

export const POLICY_FILE_VERSION = 1;

/** What happens to a call its task's scope does not allow. */
export type OutOfScope = 'deny' | 'ask';

/**
 * What happens to a call the gateway cannot identify (no operation in the model fits it): it is
 * never allowed on a guess, only held for a human ("ask") or refused ("deny").
 */
export type UnknownOperations = 'ask' | 'deny';

/**
 * A deny or ask rule. A call matches when one of the IAM actions it needs matches `actions` on a
 * resource matching `resources`, for an identity matching `identities`, and `conditions` hold.
 */
export interface PolicyRule {
  /** Stable name, recorded with every decision the rule makes: `[A-Za-z0-9][A-Za-z0-9._-]*`. */
  readonly id: string;
  /** Why; appears in the agent's AccessDenied message, the approval prompt and the recording. */
  readonly reason: string;
  /** IAM action patterns: `iam:Create*`, `*:Delete*`, `s3:*Object`. */
  readonly actions: readonly string[];
  /** ARN patterns (or `*`); absent means every resource. */
  readonly resources?: readonly string[];
  /**
   * Who the rule applies to; absent means everyone. Patterns (`*` and `?` wildcards) over
   * `user:NAME` (who started the task), `agent:LABEL` (the task's agent label), or
   * `group:NAME` (a name from `groups`). A bare `NAME` means `user:NAME`.
   */
  readonly identities?: readonly string[];
  /**
   * Ask rules: who may approve the calls the rule holds (`group:NAME`, `user:NAME`, matched like
   * `identities` against the signed-in approver's ID token). Absent: anyone who can decide.
   * Denying is open to everyone.
   */
  readonly approvers?: readonly string[];
  /** An IAM Condition block over the context keys the gateway knows (`aws:RequestedRegion`, ...). */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** How a mask rule's matches are treated. */
export type MaskMode =
  /** Masked in the response the agent sees and in the recording. */
  | 'mask'
  /** The agent sees the value; the recording (and bundles) hold only a placeholder. */
  | 'recording-only';

/**
 * A workspace masking rule, added to the built-in catalogue. Consumed by the masking engine
 * (gateway/masking): it reads `maskRules` of the policy in force through `MaskRuleSource`.
 * A rule selects calls (all when none of `actions`/`service`/`operation` is given) and names
 * what to mask in their request and response bodies: fields by name, values by JSON path, or
 * values by regular expression.
 */
export interface MaskRule {
  readonly id: string;
  readonly reason?: string;
  /** IAM action patterns of the calls this rule looks at (`secretsmanager:Get*`). */
  readonly actions?: readonly string[];
  /** Service model id (`secretsmanager`, `ssm`) of the calls this rule looks at. */
  readonly service?: string;
  /** Operation name (`GetParameter`) of the calls this rule looks at. */
  readonly operation?: string;
  /** Field names whose values are masked wherever they occur (case-sensitive, as AWS spells them). */
  readonly fields?: readonly string[];
  /** JSON paths into the body, `$.Parameter.Value`, `$.Parameters[*].Value`. */
  readonly jsonPaths?: readonly string[];
  /** A regular expression (JavaScript syntax) for secret values to mask wherever they appear. */
  readonly pattern?: string;
  /** Default `mask`. */
  readonly mode: MaskMode;
}

/** An IAM policy document (the evaluator validates it; the type stays loose on purpose). */
export type ScopeDocument = Readonly<Record<string, unknown>>;

/** The workspace policy with defaults applied. */
export interface WorkspacePolicy {
  readonly version: number;
  readonly denyRules: readonly PolicyRule[];
  readonly askRules: readonly PolicyRule[];
  readonly maskRules: readonly MaskRule[];
  /** Identity groups for rules' `identities` (`group:NAME`): name → identity patterns. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Named task scopes for `airlock task start --scope-template NAME`. */
  readonly scopeTemplates: Readonly<Record<string, ScopeDocument>>;
  readonly outOfScope: OutOfScope;
  /** Unidentified calls: held for a human (default) or refused; deny rules still refuse first. */
  readonly unknownOperations: UnknownOperations;
  /** How long a held call waits for a human before it is refused. */
  readonly approvalTimeoutSeconds: number;
  /** Bundle signers the team trusts (verify, import and the bundle editor name them as known). */
  readonly trustedSigners?: readonly TrustedSignerEntry[];
}

/** A pinned bundle signer: `SHA256:` fingerprint as `airlock export` prints it, and a name. */
export interface TrustedSignerEntry {
  readonly fingerprint: string;
  readonly name?: string;
}

/** Where the policy in force came from. */
export type PolicySource =
  | { readonly kind: 'file'; readonly file: string; readonly loadedAt: string; readonly sha256: string }
  | { readonly kind: 'default' };

/** Lets the masking engine read the mask rules of whatever policy is in force right now. */
export interface MaskRuleSource {
  maskRules(): readonly MaskRule[];
}

export type PolicyFileErrorCode =
  /** The file cannot be read. */
  | 'PolicyFileUnreadable'
  /** Not JSON. */
  | 'PolicyFileSyntax'
  /** JSON, but not a valid workspace policy (schema, rule or scope template). */
  | 'PolicyFileInvalid';

/** A refused policy file, as plain data (control API, events). */
export interface PolicyFileErrorInfo {
  readonly code: PolicyFileErrorCode;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Where in the document, e.g. `denyRules[2].actions[0]`. */
  readonly path: string;
  /** `FILE:LINE:COLUMN: PATH: what is wrong`. */
  readonly message: string;
}
