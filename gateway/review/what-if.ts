/**
 * What a proposed workspace policy or task scope would have done: every recorded call decided
 * again by the gateway's own decider (pipeline/decide.ts, the code the live gateway runs), with
 * the call's recorded operation, parameters, IAM mapping, source address and time, and the task
 * as it started. The answer is the list of calls whose first judgement (allow, deny, ask) would
 * change, with the rule that now decides each one.
 */
import { CallDecider } from '../pipeline/decide';
import type { EffectivePolicy } from '../policy-file';
import { decisionInputOf, taskInfoOf } from './recorded-input';
import type { SessionCalls, Verdict } from './session-calls';

export interface WhatIfOptions {
  /** The workspace policy to decide with. */
  readonly policy: EffectivePolicy;
  /** A scope to decide every task with instead of the one it started with. */
  readonly scope?: { readonly scope: unknown };
  /**
   * The workspace policy to decide one session with instead of `policy` (a bundle's recorded
   * policy, when only the scope is proposed).
   */
  readonly policyFor?: (s: SessionCalls) => EffectivePolicy | undefined;
}

export interface ChangedCall {
  readonly session: string;
  readonly callId: string;
  readonly ts: string;
  readonly operation?: string;
  readonly action: string;
  readonly resources: readonly string[];
  readonly from: Verdict;
  readonly to: Verdict;
  readonly fromRule?: string;
  readonly toRule?: string;
  readonly toReason: string;
}

export interface WhatIfResult {
  readonly calls: number;
  readonly changed: readonly ChangedCall[];
  /** Every call's new judgement, in order, per session (for comparisons and the timeline). */
  readonly verdicts: readonly {
    readonly session: string;
    readonly callId: string;
    readonly verdict: Verdict;
  }[];
}

export function whatIf(sessions: readonly SessionCalls[], o: WhatIfOptions): WhatIfResult {
  let current = o.policy;
  const decider = new CallDecider(() => current);
  const changed: ChangedCall[] = [];
  const verdicts: { session: string; callId: string; verdict: Verdict }[] = [];
  let calls = 0;
  for (const s of sessions) {
    current = o.policyFor?.(s) ?? o.policy;
    const task = taskInfoOf(s.task, o.scope);
    // Invalid scopes throw here (the policy core's typed error), before any call is judged.
    decider.prepare(task.taskId, task.scope);
    for (const call of s.calls) {
      calls++;
      const v = decider.decide(decisionInputOf(call, task));
      verdicts.push({ session: s.task.taskId, callId: call.callId, verdict: v.decision });
      if (v.decision === call.verdict) continue;
      const first = call.request.actions[0];
      changed.push({
        session: s.task.taskId,
        callId: call.callId,
        ts: call.ts,
        operation: call.request.operation,
        action: first?.action ?? `${call.request.service}:Unknown`,
        resources: first?.resources.length ? first.resources : ['*'],
        from: call.verdict,
        to: v.decision,
        fromRule: call.decision?.rule ?? call.approval?.requested.rule.id,
        toRule: v.decision === 'ask' ? v.rule.id : v.rule,
        toReason: v.reason,
      });
    }
    decider.forget(task.taskId);
  }
  return { calls, changed, verdicts };
}

/** The changes as a diff a reader scans: `-` the recorded judgement, `+` the new one. */
export function whatIfDiff(r: WhatIfResult): string {
  const lines: string[] = [];
  for (const c of r.changed) {
    const what = `${c.action} on ${c.resources.join(', ')}`;
    lines.push(`@@ ${c.session} ${c.callId} ${c.ts} ${c.operation ?? '(unidentified)'}`);
    lines.push(`- ${c.from}  ${what}${c.fromRule ? `  (rule: ${c.fromRule})` : ''}`);
    lines.push(`+ ${c.to}  ${what}${c.toRule ? `  (rule: ${c.toRule})` : ''}  ${c.toReason}`);
  }
  lines.push(`${r.changed.length} of ${r.calls} calls would be decided differently`);
  return `${lines.join('\n')}\n`;
}
