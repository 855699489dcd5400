/** The task-scope evaluator: compile an IAM policy document once, decide requests in microseconds. */
export { compilePolicy, type CompileOptions } from './compile';
export type { CompiledPolicy, CompiledStatement } from './compiled';
export { ContextView } from './context-view';
export { PolicyError, type PolicyErrorCode } from './errors';
export { decide, evaluate } from './evaluate';
export { evaluateMapping, type MappingEvaluation, somePair } from './evaluate-mapping';
export { timeDecisions, type DecisionTiming } from './timing';
export type { ContextValue, Decision, EvaluationRequest, EvaluationResult, RequestContext } from './types';
