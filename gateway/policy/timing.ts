import type { CompiledPolicy } from './compiled';
import { evaluate } from './evaluate';
import type { EvaluationRequest } from './types';

export interface DecisionTiming {
  readonly decisions: number;
  readonly microsPerDecision: number;
  /** Count of Allow decisions; consumed so the loop cannot be optimised away. */
  readonly allowed: number;
}

/**
 * Times `evaluate` over a fixed request set, for bench harnesses and test output. The loop body
 * is exactly the gateway's hot path: one `evaluate` call per decision, nothing else.
 */
export function timeDecisions(
  policy: CompiledPolicy,
  requests: readonly EvaluationRequest[],
  rounds: number,
): DecisionTiming {
  let allowed = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const req of requests) if (evaluate(policy, req).decision === 'Allow') allowed++;
  }
  const elapsedMs = performance.now() - started;
  const decisions = rounds * requests.length;
  return { decisions, microsPerDecision: decisions === 0 ? 0 : (elapsedMs * 1000) / decisions, allowed };
}
