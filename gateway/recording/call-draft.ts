import type { JournalEvent } from '../journal/events';
import type { CallColumns } from './call-columns';

/** A call whose answer has not come yet: kept in memory, written once when it is complete. */
export type Draft = Omit<CallColumns, Changed> & {
  -readonly [K in Changed]?: CallColumns[K];
} & {
  readonly at?: number;
  readonly prev: string;
  masked: number;
  readonly text: string[];
};

/**
 * What a later event of a call changes in its row: the columns it sets, masked bodies to add to
 * the count, and free text to append.
 */
export type CallChange = Partial<Omit<Draft, 'masked' | 'text'>> & { text?: string; masked?: number };

/** The columns a change overwrites when set. */
const CHANGED = [
  'decision',
  'reason',
  'rule',
  'status',
  'errorCode',
  'awsRequestId',
  'upstreamMs',
  'gatewayMs',
] as const;
type Changed = (typeof CHANGED)[number];

/**
 * A call's first event (its request, or the error that refused it) as the draft of its row; none
 * for any other event. `at`: where the event is, so a filtered `show` reads only that stretch.
 */
export function draftOf(e: JournalEvent, at?: number): Draft | undefined {
  if (e.type === 'call.request') {
    const d = e.data;
    const actions = d.actions.map((a) => a.action);
    const resources = d.actions.flatMap((a) => a.resources).filter((r) => r !== '*');
    return {
      callId: d.callId,
      seq: e.seq,
      ts: e.ts,
      at,
      prev: e.prev,
      identity: d.identity,
      service: d.service,
      region: d.region,
      operation: d.operation,
      method: d.method,
      actions,
      resources,
      masked: 0,
      text: [
        d.service,
        d.operation ?? '',
        d.target,
        actions.join(' '),
        resources.join(' '),
        JSON.stringify(d.params),
      ],
    };
  }
  if (e.type === 'call.error') {
    const d = e.data;
    return {
      callId: d.callId ?? `error-${e.seq}`,
      seq: e.seq,
      ts: e.ts,
      at,
      prev: e.prev,
      actions: [],
      resources: [],
      errorCode: d.code,
      masked: 0,
      text: [`${d.code} ${d.message}`],
    };
  }
  return undefined;
}

/** What a later event of a call (decision, response, error) changes; none for any other event. */
export function changeOf(e: JournalEvent): CallChange | undefined {
  switch (e.type) {
    case 'call.decision':
      return { decision: e.data.decision, reason: e.data.reason, rule: e.data.rule, text: e.data.reason };
    case 'call.response': {
      const d = e.data;
      return {
        status: d.status,
        errorCode: d.errorCode,
        awsRequestId: d.awsRequestId,
        upstreamMs: d.upstreamMs,
        gatewayMs: d.gatewayMs,
        masked: d.masked?.length ? 1 : 0,
        text: [d.errorCode ?? '', d.awsRequestId ?? '', d.body ?? ''].join(' ').trim() || undefined,
      };
    }
    case 'call.error':
      return { errorCode: e.data.code, text: `${e.data.code} ${e.data.message}` };
    default:
      return undefined;
  }
}

/** Folds a change into a call's draft, as the row update would into a written call. */
export function applyChange(draft: Draft, u: CallChange): void {
  for (const k of CHANGED) if (u[k] !== undefined) (draft as unknown as Record<string, unknown>)[k] = u[k];
  draft.masked += u.masked ?? 0;
  if (u.text) draft.text.push(u.text);
}
