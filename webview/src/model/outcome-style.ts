/** How each decision looks: label, codicon and the CSS class that picks its theme colour. */
import type { Outcome } from './call-record';

export const OUTCOME_LABEL: Readonly<Record<Outcome, string>> = {
  allowed: 'Allowed',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired: nobody decided in time',
  pending: 'Waiting for approval',
  refused: 'Refused',
  unknown: 'No decision',
};

/** Short form for narrow columns and filter options. */
export const OUTCOME_SHORT: Readonly<Record<Outcome, string>> = {
  allowed: 'allowed',
  approved: 'approved',
  denied: 'denied',
  expired: 'expired',
  pending: 'pending',
  refused: 'refused',
  unknown: 'undecided',
};

export const OUTCOME_ICON: Readonly<Record<Outcome, string>> = {
  allowed: 'pass',
  approved: 'person',
  denied: 'circle-slash',
  expired: 'clock',
  pending: 'watch',
  refused: 'shield',
  unknown: 'question',
};
