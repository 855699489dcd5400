/**
 * Scope granted against scope used. A task's scope is split into grants, one per action pattern
 * and resource pattern of each statement (with the statement's conditions), each compiled by the
 * policy core on its own; a recorded pair uses a grant when that grant alone would allow it, with
 * the condition keys the gateway built for the call. So "used" means exactly what the evaluator
 * that decided the call says, not a string comparison of patterns.
 */
import { compilePolicy, type CompiledPolicy, ContextView, decide } from '../policy';
import type { TaskInfo } from '../protocol';
import { contextOf } from './recorded-input';
import { pairsOf, type RecordedCall } from './session-calls';

export interface Grant {
  /** The statement's Sid, else its position (`Statement[2]`). */
  readonly statement: string;
  readonly effect: 'Allow' | 'Deny';
  /** One action pattern (`s3:Get*`), or `NotAction: ...` for a statement written that way. */
  readonly action: string;
  readonly resource: string;
  readonly conditional: boolean;
}

export interface GrantUsage extends Grant {
  /** Recorded pairs (action on resource, per call) this grant matched. */
  readonly matched: number;
  readonly calls: number;
}

interface CompiledGrant {
  readonly grant: Grant;
  readonly policy: CompiledPolicy;
  matched: number;
  calls: number;
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits a (valid) scope document into grants. */
export function grantsOf(scope: unknown): Grant[] {
  if (!isRecord(scope)) return [];
  const raw = scope.Statement;
  const statements = list(raw);
  const out: Grant[] = [];
  statements.forEach((st, i) => {
    if (!isRecord(st)) return;
    const label =
      typeof st.Sid === 'string' && st.Sid !== ''
        ? st.Sid
        : Array.isArray(raw)
          ? `Statement[${i}]`
          : 'Statement';
    const effect = st.Effect === 'Deny' ? 'Deny' : 'Allow';
    const conditional = st.Condition !== undefined;
    const actions =
      st.Action !== undefined
        ? list(st.Action).map(String)
        : [`NotAction: ${list(st.NotAction).map(String).join(', ')}`];
    const resources =
      st.Resource !== undefined
        ? list(st.Resource).map(String)
        : [`NotResource: ${list(st.NotResource).map(String).join(', ')}`];
    for (const action of actions)
      for (const resource of resources) out.push({ statement: label, effect, action, resource, conditional });
  });
  return out;
}

/** The statement a grant came from, narrowed to its one action and resource pattern. */
function grantDocument(scope: Record<string, unknown>, g: Grant, index: number): unknown {
  const st = list(scope.Statement)[index] as Record<string, unknown>;
  const narrowed: Record<string, unknown> = { Effect: 'Allow' };
  if (st.Action !== undefined) narrowed.Action = g.action;
  else narrowed.NotAction = st.NotAction;
  if (st.Resource !== undefined) narrowed.Resource = g.resource;
  else narrowed.NotResource = st.NotResource;
  if (st.Condition !== undefined) narrowed.Condition = st.Condition;
  return { Version: scope.Version, Statement: [narrowed] };
}

function statementIndexOf(scope: Record<string, unknown>, label: string): number {
  const statements = list(scope.Statement);
  const bySid = statements.findIndex((s) => isRecord(s) && s.Sid === label);
  if (bySid >= 0) return bySid;
  const m = /^Statement(?:\[(\d+)\])?$/.exec(label);
  return m ? Number(m[1] ?? 0) : -1;
}

/**
 * Counts, for each grant of the scope, the recorded pairs it matched: Allow grants over the calls
 * that were let through, Deny grants over the calls that were refused.
 */
export function scopeUsage(scope: unknown, calls: readonly RecordedCall[], task: TaskInfo): GrantUsage[] {
  if (!isRecord(scope)) return [];
  const compiled: CompiledGrant[] = grantsOf(scope).map((grant) => ({
    grant,
    policy: compilePolicy(grantDocument(scope, grant, statementIndexOf(scope, grant.statement))),
    matched: 0,
    calls: 0,
  }));
  const usesContext = compiled.some((g) => g.policy.usesContext);
  const empty = new ContextView({});
  for (const call of calls) {
    if (call.request.operation === undefined) continue;
    const wanted = call.outcome === 'allowed' ? 'Allow' : call.outcome === 'denied' ? 'Deny' : undefined;
    if (wanted === undefined) continue;
    const ctx = usesContext ? new ContextView(contextOf(call, task)) : empty;
    const hit = new Set<CompiledGrant>();
    for (const { action, resource } of pairsOf(call)) {
      for (const g of compiled) {
        if (g.grant.effect !== wanted) continue;
        if (decide(g.policy, action, resource, ctx).decision === 'Allow') {
          g.matched++;
          hit.add(g);
        }
      }
    }
    for (const g of hit) g.calls++;
  }
  return compiled.map((g) => ({ ...g.grant, matched: g.matched, calls: g.calls }));
}
