/**
 * The evaluator's public data shapes. A request is one IAM action on one resource with the
 * request context (condition keys) AWS would build for it.
 */

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/**
 * A context value: a string for single-valued keys, an array for multivalued keys (aws:TagKeys,
 * aws:CalledVia, ...), undefined when the key is absent. Key names are case-insensitive.
 */
export type ContextValue = string | readonly string[] | undefined;

export type RequestContext = Readonly<Record<string, ContextValue>>;

export interface EvaluationRequest {
  /** `s3:GetObject`; matched case-insensitively. */
  readonly action: string;
  /** A full ARN, or `*` for actions that are not resource-scoped; matched case-sensitively. */
  readonly resource: string;
  readonly context: RequestContext;
}

export interface EvaluationResult {
  readonly decision: Decision;
  /** The deciding statement: its Sid, else its path (`Statement[3]`). Absent for ImplicitDeny. */
  readonly statement?: string;
  /** 0-based position of the deciding statement in the document. */
  readonly statementIndex?: number;
}
