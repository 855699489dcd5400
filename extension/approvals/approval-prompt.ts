import { bodyBindingNote } from '../../gateway/approvals/body-note';
import type { ApprovalInfo } from '../../gateway/protocol';

/**
 * The words of an approval prompt, vscode-free so they read like a table in tests. A person
 * decides from these in a few seconds: the risk first, then who wants what in words, the exact
 * action and resources, why it asks, and when Airlock refuses on its own.
 */

export const BUTTON_APPROVE = 'Approve';
export const BUTTON_APPROVE_FOR_TASK = 'Approve for Task…';
export const BUTTON_DENY = 'Deny';
export const BUTTON_DETAILS = 'Details';

/** "Create IAM role x" reads as "wants to create IAM role x"; acronyms ("IAM ...") stay as they are. */
function asPredicate(summary: string): string {
  return /^[A-Z][a-z]/.test(summary) ? summary[0]!.toLowerCase() + summary.slice(1) : summary;
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** `4 min 10 s`, `45 s`. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

/** `arn:aws:iam::123456789012:role/x, and 2 more`. */
function resourcesText(resources: readonly string[]): string {
  const named = resources.filter((r) => r !== '*');
  if (named.length === 0) return '';
  return ` on ${named.slice(0, 2).join(', ')}${named.length > 2 ? `, and ${named.length - 2} more` : ''}`;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Who is asking: the task, the identity (with its agent, `alice (agent claude)`) and the client
 * program, named "client" as in the timeline's call details.
 */
export function askedBy(a: ApprovalInfo): string {
  const client = a.caller && a.caller.trim() !== '' ? `client ${a.caller}` : undefined;
  return [`task "${a.taskName}"`, a.identity, client].filter((x) => x && x.trim() !== '').join(' · ');
}

/**
 * The notification's text. It is fixed once shown (VS Code cannot update a message), so the
 * deadline is a time of day next to how long that was from now.
 */
export function approvalPromptText(a: ApprovalInfo, now = Date.now()): string {
  const risk = a.risk;
  const head =
    risk?.level === 'high'
      ? `HIGH RISK (${risk.reasons.join('; ')}). `
      : risk?.level === 'low'
        ? 'Low risk. '
        : '';
  const why = a.rule ? ` Asked by rule ${a.rule.id}: ${a.rule.reason}.` : '';
  const warnings = (a.facts ?? []).filter((f) => f.warning).map((f) => `${f.label}: ${f.warning}.`);
  const note = bodyBindingNote(a.bodyBinding);
  const expires = Date.parse(a.expiresAt);
  const deadline = Number.isFinite(expires)
    ? ` Refused automatically at ${clock(expires)} (in ${countdown(expires - now)}) unless you decide.`
    : '';
  return (
    `${head}${capitalized(askedBy(a))} wants to ${asPredicate(a.summary)}: ${a.action}${resourcesText(a.resources)}.` +
    `${warnings.length > 0 && risk?.level !== 'high' ? ` ${warnings.join(' ')}` : ''}${why}` +
    `${note ? ` Note: ${note}.` : ''}${deadline}`
  );
}

/**
 * The prompt's buttons, in VS Code's order (the first one takes the primary style). No "Cancel":
 * every button is a decision or Details, and closing the prompt leaves the call waiting with the
 * status bar and the Tasks view saying so.
 */
export function promptButtons(a: ApprovalInfo): string[] {
  return [
    BUTTON_APPROVE,
    ...(a.grantable === false ? [] : [BUTTON_APPROVE_FOR_TASK]),
    BUTTON_DENY,
    BUTTON_DETAILS,
  ];
}

/** The notification after the timeout refused a call nobody decided. */
export function expiredText(a: ApprovalInfo): string {
  const seconds = Math.round((Date.parse(a.expiresAt) - Date.parse(a.requestedAt)) / 1000);
  const within =
    Number.isFinite(seconds) && seconds > 0 ? ` within ${countdown(seconds * 1000)}` : ' in time';
  return `Airlock refused ${a.action}${resourcesText(a.resources)} for ${askedBy(a)}: nobody answered${within}. The agent was told the approval timed out; it may retry to ask again.`;
}
