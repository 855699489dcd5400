/**
 * One AWS call as the timeline shows it: the request, decision, approval, response and error
 * events of the same `callId` folded together.
 */
import type { BodyDetail } from '../protocol';

/**
 * The decision, as coloured in the UI. `approved`: allowed because a human approved it;
 * `pending`: held, waiting for a human; `expired`: held, and nobody decided before the approval
 * timeout refused it (not a person's or a rule's denial); `refused`: the gateway answered before deciding (bad
 * signature, unknown key); `unknown`: the request was recorded but no decision (yet).
 */
export type Outcome = 'allowed' | 'approved' | 'denied' | 'expired' | 'pending' | 'refused' | 'unknown';

export const OUTCOMES: readonly Outcome[] = [
  'allowed',
  'approved',
  'denied',
  'expired',
  'pending',
  'refused',
  'unknown',
];

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired';

/** What happened to the approval a call was held for. */
export interface ApprovalTrail {
  approvalId: string;
  state: ApprovalState;
  requestedAt?: string;
  summary?: string;
  rule?: { id: string; reason: string };
  expiresAt?: string;
  timeoutSeconds?: number;
  decision?: string;
  decidedBy?: string;
  /** What the gateway judged of the call (high, medium, low) and why. */
  risk?: { level: string; reasons: string[] };
  /** The parameters that matter, readable (policy documents pretty-printed, broad grants flagged). */
  facts?: { label: string; value: string; document?: boolean; warning?: string }[];
  /** Who asked: the task's identity and agent, and the client program. */
  identity?: string;
  caller?: string;
  /** approve-for-task: the resource patterns granted. */
  grant?: string[];
  /** False when "approve for the task" cannot apply (live approvals say). */
  grantable?: boolean;
  /** The control-API client the decision came from, and the process the OS names for it. */
  decidedVia?: string;
  decidedAt?: string;
  reason?: string;
  waitedMs?: number;
  attempts?: number;
}

export interface MaskedFieldView {
  where: string;
  field: string;
  source: string;
  count: number;
  recordingOnly?: boolean;
}

export interface ActionView {
  action: string;
  resources: string[];
}

export interface CallRecord {
  /** Position in arrival order; stable for the life of the session. */
  readonly idx: number;
  readonly callId: string;
  seq: number;
  ts: string;
  startMs: number;
  /** When the response (or error) was recorded. */
  endMs?: number;
  service: string;
  operation?: string;
  method?: string;
  target?: string;
  region?: string;
  protocol?: string;
  identity?: string;
  arrival?: string;
  userAgent?: string;
  sourceIp?: string;
  actions: ActionView[];
  params?: Readonly<Record<string, unknown>>;
  bodyBytes?: number;
  decision?: string;
  reason?: string;
  rule?: string;
  approval?: ApprovalTrail;
  status?: number;
  errorCode?: string;
  awsRequestId?: string;
  responseBytes?: number;
  upstreamMs?: number;
  gatewayMs?: number;
  local?: boolean;
  aborted?: boolean;
  error?: { code: string; message: string };
  masked: MaskedFieldView[];
  requestBody?: BodyDetail;
  responseBody?: BodyDetail;
  outcome: Outcome;
  /** Lower-cased text the search box matches against; built on the first search (searchTextFor). */
  searchText?: string;
}

export function outcomeOf(r: CallRecord): Outcome {
  if (r.approval?.state === 'expired') return 'expired';
  if (r.decision === 'deny') return 'denied';
  if (r.decision === 'allow') return r.approval && r.approval.state === 'approved' ? 'approved' : 'allowed';
  if (r.approval) {
    if (r.approval.state === 'pending') return 'pending';
    if (r.approval.state === 'approved') return 'approved';
    return 'denied';
  }
  if (r.error) return 'refused';
  return 'unknown';
}

/** Allowed calls that AWS (or the connection) answered with a failure. */
/**
 * Arrival to answer. The gateway's own measure when recorded (gateway overhead plus AWS time):
 * journal timestamps are taken as events are written, after the request was read and checked,
 * so their difference undercounts — most visibly for calls Airlock answered itself.
 */
export function callDurationMs(r: CallRecord): number | undefined {
  if (r.gatewayMs !== undefined) return r.gatewayMs + (r.upstreamMs ?? 0);
  return r.endMs === undefined ? undefined : r.endMs - r.startMs;
}

export function isFailed(r: CallRecord): boolean {
  return (
    (r.outcome === 'allowed' || r.outcome === 'approved') && ((r.status ?? 0) >= 400 || r.aborted === true)
  );
}

/** The record's search text, built once and kept until the call changes. */
export function searchTextFor(r: CallRecord): string {
  return (r.searchText ??= searchTextOf(r));
}

export function searchTextOf(r: CallRecord): string {
  const parts = [
    r.callId,
    r.service,
    r.operation ?? '',
    r.method ?? '',
    r.target ?? '',
    r.identity ?? '',
    r.rule ?? '',
    r.reason ?? '',
    r.errorCode ?? '',
    r.awsRequestId ?? '',
    r.error?.code ?? '',
    r.error?.message ?? '',
    r.status === undefined ? '' : String(r.status),
  ];
  for (const a of r.actions) parts.push(a.action, ...a.resources);
  if (r.approval?.summary) parts.push(r.approval.summary);
  if (r.params) paramValues(r.params, parts, { left: PARAM_TEXT_BUDGET }, 0);
  return parts.join('\n').toLowerCase();
}

/** How much of a call's parameters search reads (a policy name, an e-mail, not a whole template). */
const PARAM_TEXT_BUDGET = 4096;

/** The parameters' names and values as text, depth-first, until the budget is spent. */
function paramValues(v: unknown, out: string[], budget: { left: number }, depth: number): void {
  if (budget.left <= 0 || depth > 8) return;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    const text = String(v).slice(0, budget.left);
    budget.left -= text.length;
    out.push(text);
  } else if (Array.isArray(v)) {
    for (const x of v) paramValues(x, out, budget, depth + 1);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (budget.left <= 0) return;
      out.push(k);
      budget.left -= k.length;
      paramValues(x, out, budget, depth + 1);
    }
  }
}

/** The first IAM action of a call, or its service:operation when it maps to none. */
export function primaryAction(r: CallRecord): string {
  return r.actions[0]?.action ?? (r.operation ? `${r.service}:${r.operation}` : r.service);
}

/** The first named resource, or '' for calls on `*`. */
export function primaryResource(r: CallRecord): string {
  for (const a of r.actions) for (const res of a.resources) if (res !== '*') return res;
  return '';
}
