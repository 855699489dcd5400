import type { BodyDetail, EventsMessage, WireEvent } from '../../webview/src/protocol';

/**
 * Turning recorded events into what the webview is sent. Bodies stay behind: a session of
 * 100,000 events would otherwise ship every recorded response up front, when the detail pane
 * asks for one call's bodies at a time (`requestDetail`). The chain fields (`prev`, `hash`) stay
 * behind too: the webview does not verify, and they are a third of each event's size.
 */

/** Where a call's bodies sit in an event's data, by side. */
const REQUEST_KEYS = ['requestBody'] as const;
const RESPONSE_KEYS = ['responseBody'] as const;

export type BodySide = 'request' | 'response';

/** Which body keys of this event's data belong to which side (mirrors webview/src/model/apply-call.ts). */
function sideKeys(type: string): Record<BodySide, readonly string[]> {
  if (type === 'call.request') return { request: ['body', ...REQUEST_KEYS], response: RESPONSE_KEYS };
  if (type === 'call.response' || type.includes('response'))
    return { request: REQUEST_KEYS, response: ['body', ...RESPONSE_KEYS] };
  return { request: ['body', ...REQUEST_KEYS], response: RESPONSE_KEYS };
}

type Data = Record<string, unknown>;

function isData(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface StrippedEvent {
  readonly wire: WireEvent;
  /** The call this event names, when it carried a body that was left out. */
  readonly bodyOf?: string;
}

/** The event as the webview gets it: envelope and data, without bodies or chain fields. */
export function toWire(raw: unknown): StrippedEvent | undefined {
  if (!isData(raw) || typeof raw.type !== 'string' || typeof raw.ts !== 'string') return undefined;
  const { type, ts } = raw;
  const wire: { -readonly [K in keyof WireEvent]: WireEvent[K] } = { type, ts };
  if (typeof raw.seq === 'number') wire.seq = raw.seq;
  if (typeof raw.task === 'string') wire.task = raw.task;
  if (typeof raw.v === 'number') wire.v = raw.v;
  let bodyOf: string | undefined;
  const src = raw.data;
  if (isData(src)) {
    const keys = sideKeys(type);
    const all = [...keys.request, ...keys.response];
    if (all.some((k) => src[k] !== undefined)) {
      const data: Data = { ...src };
      for (const k of all) delete data[k];
      wire.data = data;
      if (typeof data.callId === 'string') bodyOf = data.callId;
    } else wire.data = src;
  } else if (src !== undefined) wire.data = src;
  return { wire, bodyOf };
}

/** The body on one side of a recorded event, as the detail pane shows it (masked, as recorded). */
export function bodyFrom(raw: unknown, side: BodySide): BodyDetail | undefined {
  if (!isData(raw) || typeof raw.type !== 'string' || !isData(raw.data)) return undefined;
  const d = raw.data;
  for (const k of sideKeys(raw.type)[side]) {
    const v = d[k];
    if (v === undefined || v === null) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    const contentType =
      typeof v !== 'string'
        ? 'application/json'
        : typeof d.contentType === 'string'
          ? d.contentType
          : undefined;
    return { text, contentType, truncated: d.bodyTruncated === true || undefined };
  }
  return undefined;
}

/** Both sides' bodies from the events of one call that carried any. */
export function detailFrom(events: readonly unknown[]): { request?: BodyDetail; response?: BodyDetail } {
  let request: BodyDetail | undefined;
  let response: BodyDetail | undefined;
  for (const e of events) {
    request = bodyFrom(e, 'request') ?? request;
    response = bodyFrom(e, 'response') ?? response;
  }
  return { request, response };
}

/**
 * One task's events as `events` messages: with `reset`, the first replaces what the webview
 * holds (sent even when empty); a big session goes in slices so the first ones paint early.
 */
export function eventMessages(
  taskId: string,
  events: readonly WireEvent[],
  reset: boolean,
  slice = 10_000,
): EventsMessage[] {
  const out: EventsMessage[] = [];
  for (let i = 0; i < events.length || (reset && i === 0); i += slice) {
    const part = events.slice(i, i + slice);
    out.push(
      reset && i === 0
        ? { type: 'events', taskId, events: part, reset: true }
        : { type: 'events', taskId, events: part },
    );
  }
  return out;
}
