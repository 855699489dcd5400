/**
 * The access review of one task, from its recorded calls alone (so a bundle and the journal it
 * came from review the same): who started it, the scope granted against what was used per IAM
 * action and resource, grants never used, the calls that were refused or held for a human (with
 * the rule, the reason, who decided and when), the calls outside the scope, and what was masked.
 */
import { compilePolicy, type CompiledPolicy, evaluateMapping } from '../policy';
import type { DecisionClient, TaskInfo } from '../protocol';
import { contextOf, mappingOf, taskInfoOf } from './recorded-input';
import {
  type JudgedCall,
  type MaskedSummary,
  type OutsideScopeCall,
  REVIEW_FORMAT,
  REVIEW_VERSION,
  type TaskReview,
  type UsedPair,
} from './review-types';
import { scopeUsage } from './scope-usage';
import { pairsOf, type RecordedCall, type SessionCalls } from './session-calls';

export type { TaskReview } from './review-types';

const NO_CONTEXT = {};

/** The declared client name, and what the OS says the process was when it could tell. */
function viaOf(c: DecisionClient | undefined): string | undefined {
  if (!c) return undefined;
  return c.process ? `${c.declared}; process ${c.process.pid}: ${c.process.command}` : c.declared;
}

function decider(call: RecordedCall): { decidedBy: string; decidedVia?: string; decidedAt?: string } {
  const a = call.approval;
  if (a?.decided)
    return {
      decidedBy: a.decided.decidedBy,
      decidedVia: viaOf(a.decided.client),
      decidedAt: a.endedAt,
    };
  if (a?.expired) return { decidedBy: 'timeout', decidedAt: a.endedAt };
  return { decidedBy: call.decision ? 'gateway' : 'nobody', decidedAt: call.decisionTs };
}

function judged(call: RecordedCall): JudgedCall {
  const first = call.request.actions[0];
  return {
    callId: call.callId,
    ts: call.ts,
    operation: call.request.operation,
    service: call.request.service,
    action: first?.action ?? `${call.request.service}:Unknown`,
    resources: first?.resources.length ? first.resources : ['*'],
    verdict: call.verdict,
    outcome: call.outcome,
    rule: call.decision?.rule ?? call.approval?.requested.rule.id,
    reason: call.decision?.reason ?? call.approval?.requested.rule.reason,
    ...decider(call),
  };
}

function usedPairs(calls: readonly RecordedCall[]): UsedPair[] {
  const map = new Map<
    string,
    { action: string; resource: string; allowed: number; denied: number; first: string; last: string }
  >();
  for (const call of calls) {
    if (call.outcome === 'undecided') continue;
    for (const { action, resource } of pairsOf(call)) {
      const key = `${action}\u0000${resource}`;
      let u = map.get(key);
      if (!u) map.set(key, (u = { action, resource, allowed: 0, denied: 0, first: call.ts, last: call.ts }));
      if (call.outcome === 'allowed') u.allowed++;
      else u.denied++;
      u.last = call.ts;
    }
  }
  return [...map.values()].sort((a, b) =>
    a.action === b.action ? (a.resource < b.resource ? -1 : 1) : a.action < b.action ? -1 : 1,
  );
}

function outside(call: RecordedCall, scope: CompiledPolicy, task: TaskInfo): OutsideScopeCall | undefined {
  const op = call.request.operation;
  // Unidentified calls are listed with the judged ones; GetCallerIdentity needs no grant (as in AWS).
  if (op === undefined || (call.request.service === 'sts' && op === 'GetCallerIdentity')) return undefined;
  // Building the condition context per call is the cost here; a scope that reads none skips it.
  const r = evaluateMapping(scope, mappingOf(call), scope.usesContext ? contextOf(call, task) : NO_CONTEXT);
  if (r.decision === 'Allow') return undefined;
  return {
    callId: call.callId,
    ts: call.ts,
    action: r.action ?? call.request.actions[0]?.action ?? '',
    resource: r.resource ?? '*',
    scopeDecision: r.decision,
    outcome: call.outcome,
    decidedBy: decider(call).decidedBy,
  };
}

function maskedSummary(calls: readonly RecordedCall[]): MaskedSummary {
  const fields = new Map<string, { where: string; field: string; source: string; count: number }>();
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const call of calls) {
    for (const m of [...(call.request.masked ?? []), ...(call.response?.masked ?? [])]) {
      const key = `${m.where}\u0000${m.field}\u0000${m.source}`;
      const f = fields.get(key);
      if (f) f.count += m.count;
      else fields.set(key, { where: m.where, field: m.field, source: m.source, count: m.count });
      byKind[m.source] = (byKind[m.source] ?? 0) + m.count;
      total += m.count;
    }
  }
  const sorted = [...fields.values()].sort((a, b) =>
    `${a.where}${a.field}` < `${b.where}${b.field}` ? -1 : 1,
  );
  return { total, byKind: Object.fromEntries(Object.entries(byKind).sort()), fields: sorted };
}

/** Reviews one task from its recorded calls. */
export function reviewTask(session: SessionCalls): TaskReview {
  const { task, calls } = session;
  const info = taskInfoOf(task);
  let scope: CompiledPolicy | undefined;
  try {
    scope = task.scope === undefined ? undefined : compilePolicy(task.scope);
  } catch {
    // A scope the gateway accepted always compiles; a hand-edited bundle header is not trusted.
    scope = undefined;
  }
  const grants = scope ? scopeUsage(task.scope, calls, info) : [];
  const outsideScope: OutsideScopeCall[] = [];
  if (scope) {
    for (const c of calls) {
      const o = outside(c, scope, info);
      if (o) outsideScope.push(o);
    }
  }
  const refusedCodes = new Map<string, number>();
  for (const r of session.refused) refusedCodes.set(r.code, (refusedCodes.get(r.code) ?? 0) + 1);
  const count = (f: (c: RecordedCall) => boolean): number => calls.reduce((n, c) => (f(c) ? n + 1 : n), 0);
  return {
    format: REVIEW_FORMAT,
    version: REVIEW_VERSION,
    task,
    identity: {
      startedBy: task.startedBy,
      agent: task.agent,
      callIdentities: [...new Set(calls.map((c) => c.request.identity))].sort(),
    },
    totals: {
      calls: calls.length,
      allowed: count((c) => c.outcome === 'allowed'),
      denied: count((c) => c.outcome === 'denied'),
      asked: count((c) => c.verdict === 'ask'),
      undecided: count((c) => c.outcome === 'undecided'),
      outsideScope: outsideScope.length,
      refused: session.refused.length,
      unidentified: count((c) => c.request.operation === undefined),
    },
    scope: { granted: scope !== undefined, grants },
    unusedGrants: grants.filter((g) => g.effect === 'Allow' && g.matched === 0),
    used: usedPairs(calls),
    judged: calls.filter((c) => c.verdict !== 'allow').map(judged),
    outsideScope,
    masked: maskedSummary(calls),
    refused: [...refusedCodes]
      .map(([code, n]) => ({ code, count: n }))
      .sort((a, b) => (a.code < b.code ? -1 : 1)),
  };
}
