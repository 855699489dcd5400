/**
 * A suggested policy checked by the gateway's own evaluator against the calls it came from:
 * every call that was let through must still be allowed, every call that was refused must still
 * be refused. A suggestion that fails is reported, never silently "fixed": the conflict (the same
 * action on the same resource both allowed and refused, or a generalisation that reopens a
 * refused call) is something a person has to look at.
 */
import { compilePolicy, evaluateMapping } from '../policy';
import { contextOf, mappingOf, taskInfoOf } from './recorded-input';
import type { SessionCalls } from './session-calls';

export interface Violation {
  readonly session: string;
  readonly callId: string;
  readonly ts: string;
  /** `still-denied`: an allowed call the policy refuses. `now-allowed`: a refused call it allows. */
  readonly kind: 'still-denied' | 'now-allowed';
  readonly action: string;
  readonly resource: string;
  /** What decided the recorded call (its rule), for `now-allowed`. */
  readonly recordedRule?: string;
}

export interface VerifyOutcome {
  readonly checkedAllowed: number;
  readonly checkedDenied: number;
  readonly violations: readonly Violation[];
}

export function verifySuggestion(policy: unknown, sessions: readonly SessionCalls[]): VerifyOutcome {
  const compiled = compilePolicy(policy);
  const violations: Violation[] = [];
  let checkedAllowed = 0;
  let checkedDenied = 0;
  for (const s of sessions) {
    const task = taskInfoOf(s.task);
    for (const call of s.calls) {
      const op = call.request.operation;
      if (op === undefined || call.outcome === 'undecided') continue;
      if (call.request.service === 'sts' && op === 'GetCallerIdentity') continue;
      const r = evaluateMapping(compiled, mappingOf(call), compiled.usesContext ? contextOf(call, task) : {});
      const base = { session: s.task.taskId, callId: call.callId, ts: call.ts };
      if (call.outcome === 'allowed') {
        checkedAllowed++;
        if (r.decision !== 'Allow')
          violations.push({
            ...base,
            kind: 'still-denied',
            action: r.action ?? '',
            resource: r.resource ?? '*',
          });
      } else {
        checkedDenied++;
        if (r.decision === 'Allow')
          violations.push({
            ...base,
            kind: 'now-allowed',
            action: r.action ?? '',
            resource: r.resource ?? '*',
            recordedRule: call.decision?.rule,
          });
      }
    }
  }
  return { checkedAllowed, checkedDenied, violations };
}
