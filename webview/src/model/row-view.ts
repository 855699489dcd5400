/** What one list row shows, computed fresh for the rows on screen only. */
import {
  callDurationMs,
  isFailed,
  primaryAction,
  primaryResource,
  type CallRecord,
  type Outcome,
} from './call-record';
import { formatDuration, formatOffset } from './format';
import { OUTCOME_LABEL } from './outcome-style';
import { isUnrecorded, NOT_RECORDED } from './unrecorded';

export interface RowView {
  readonly idx: number;
  readonly callId: string;
  /** Position in the filtered list (for aria-posinset). */
  readonly position: number;
  readonly offset: string;
  readonly outcome: Outcome;
  readonly title: string;
  readonly action: string;
  readonly resource: string;
  readonly status: string;
  readonly failed: boolean;
  readonly duration: string;
  readonly masked: boolean;
  /** After the replay's playhead: not happened yet in the replay. */
  readonly future: boolean;
  readonly label: string;
}

export function callTitle(r: CallRecord): string {
  if (r.outcome === 'refused' && !r.service) return r.error?.code ?? 'Refused call';
  return `${r.service || '?'} ${r.operation ?? (r.method ? `${r.method} ${r.target ?? ''}` : '')}`.trim();
}

/** `unrecordedBefore`: calls without an outcome from before it were cut off (model/unrecorded.ts). */
export function statusText(r: CallRecord, unrecordedBefore = -Infinity): string {
  if (r.status !== undefined) return r.errorCode ? `${r.status} ${r.errorCode}` : String(r.status);
  if (r.error) return r.error.code;
  if (isUnrecorded(r, unrecordedBefore)) return NOT_RECORDED;
  if (r.outcome === 'pending') return 'held';
  return '…';
}

export function toRowView(
  r: CallRecord,
  position: number,
  sessionStartMs: number,
  playhead: number,
  unrecordedBefore = -Infinity,
): RowView {
  const title = callTitle(r);
  const action = primaryAction(r);
  const resource = primaryResource(r);
  const status = statusText(r, unrecordedBefore);
  const ms = callDurationMs(r);
  const duration = ms === undefined ? '' : formatDuration(ms);
  const offset = formatOffset(r.startMs - sessionStartMs);
  const ruleText = r.outcome === 'denied' && r.rule ? ` by rule ${r.rule}` : '';
  return {
    idx: r.idx,
    callId: r.callId,
    position,
    offset,
    outcome: r.outcome,
    title,
    action,
    resource,
    status,
    failed: isFailed(r),
    duration,
    masked: r.masked.length > 0,
    future: r.startMs > playhead,
    label: `${offset} ${title}, ${OUTCOME_LABEL[r.outcome]}${ruleText}, status ${status}`,
  };
}
