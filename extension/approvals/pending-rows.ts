import type { ApprovalInfo } from '../../gateway/protocol';
import { approvalPromptText, askedBy, countdown } from './approval-prompt';

/** One waiting call as a row of the "Waiting for You" view; vscode-free, tested as a table. */
export interface PendingRow {
  readonly approvalId: string;
  /** What it wants, in words ("Create IAM role x"). */
  readonly label: string;
  /** How long until the automatic refusal, and the exact action. */
  readonly description: string;
  /** The prompt's full text, for the hover. */
  readonly tooltip: string;
  /** For screen readers: the same without codicons or layout. */
  readonly ariaLabel: string;
  readonly risk: 'high' | 'medium' | 'low' | 'unknown';
}

function msLeft(a: ApprovalInfo, now: number): number | undefined {
  const at = Date.parse(a.expiresAt);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export function pendingRow(a: ApprovalInfo, now: number): PendingRow {
  const left = msLeft(a, now);
  const refusal = left === undefined ? '' : `refused in ${countdown(left)} · `;
  const risk = a.risk?.level ?? 'unknown';
  const riskWords = risk === 'unknown' ? '' : `${risk} risk, `;
  return {
    approvalId: a.approvalId,
    label: a.summary,
    description: `${refusal}${a.action}`,
    tooltip: approvalPromptText(a, now),
    ariaLabel: `${riskWords}${a.summary}, ${a.action}, asked by ${askedBy(a)}${left === undefined ? '' : `, refused automatically in ${countdown(left)}`}`,
    risk,
  };
}

/** Milliseconds until the first of these calls is refused on its own; undefined when none has a deadline. */
export function nextRefusalMs(approvals: readonly ApprovalInfo[], now: number): number | undefined {
  let soonest: number | undefined;
  for (const a of approvals) {
    const left = msLeft(a, now);
    if (left !== undefined && (soonest === undefined || left < soonest)) soonest = left;
  }
  return soonest;
}

/** The view's title line, seen however narrow the side bar: the first refusal's countdown. */
export function pendingHeadline(approvals: readonly ApprovalInfo[], now: number): string | undefined {
  const left = nextRefusalMs(approvals, now);
  return left === undefined ? undefined : `first refused in ${countdown(left)}`;
}

/** The view's badge: how many wait, said in words for its hover. */
export function pendingBadge(count: number): { value: number; tooltip: string } | undefined {
  return count === 0
    ? undefined
    : { value: count, tooltip: `${count} call${count === 1 ? '' : 's'} waiting for your approval` };
}
