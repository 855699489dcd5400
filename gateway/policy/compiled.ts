import type { ArnPattern } from './arn-pattern';
import type { CompiledCondition } from './condition';
import type { Matcher } from './matcher';
import type { EvaluationResult } from './types';

/** One statement, ready to evaluate. */
export interface CompiledStatement {
  readonly index: number;
  /** Sid when present, else the statement's path (`Statement[3]`). */
  readonly label: string;
  readonly deny: boolean;
  /** Action patterns; `notAction` inverts the match. */
  readonly actions: readonly Matcher[];
  readonly notAction: boolean;
  /** Resource patterns; null stands for `*`. `notResource` inverts the match. */
  readonly resources: readonly (ArnPattern | null)[];
  readonly notResource: boolean;
  /**
   * What a resource pattern naming an account does with a resource whose account is not known
   * yet: counts as a match when this statement's match restricts the call (a Deny, or a rule of
   * a deny/ask rule set), as no match when it grants. Either way the unknown errs closed.
   */
  readonly unknownAccountMatches: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** The decision this statement produces when it applies, built once so deciding allocates nothing. */
  readonly result: EvaluationResult;
}

/** A validated policy document compiled to matchers; immutable and reusable across requests. */
export interface CompiledPolicy {
  readonly version: string | undefined;
  /** Deny statements first, then Allow statements, each group in document order. */
  readonly denies: readonly CompiledStatement[];
  readonly allows: readonly CompiledStatement[];
  /** Some statement reads the request context (conditions or policy variables). */
  readonly usesContext: boolean;
  readonly statementCount: number;
}
