/**
 * Why a policy document was rejected. Codes are stable (callers and the UI key off them); the path
 * points into the document the way a user reads it, e.g. `Statement[2].Condition.StringLike`.
 */
export type PolicyErrorCode =
  | 'InvalidDocument'
  | 'UnknownElement'
  | 'UnsupportedElement'
  | 'InvalidVersion'
  | 'MissingStatement'
  | 'InvalidStatement'
  | 'InvalidSid'
  | 'InvalidEffect'
  | 'MissingAction'
  | 'MissingResource'
  | 'ConflictingElements'
  | 'EmptyElement'
  | 'InvalidAction'
  | 'InvalidResource'
  | 'InvalidCondition'
  | 'UnknownConditionOperator'
  | 'InvalidConditionValue';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';

  constructor(
    readonly code: PolicyErrorCode,
    /** Where in the document, e.g. `Statement[0].Action[1]`; empty for the document itself. */
    readonly path: string,
    detail: string,
  ) {
    super(path === '' ? detail : `${path}: ${detail}`);
  }
}
