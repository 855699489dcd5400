import type { CallRequestData, EventBody } from '../journal/events';
import { maskParams, maskQueryString, type Masking, type MaskCall, type MaskedField } from '../masking';

/** Parameters larger than this (serialised) are recorded truncated, with the cap noted. */
export const PARAMS_CAP_BYTES = 16 * 1024;

/** Caps serialised params; the cap and the full size are recorded with the cut. */
export function capParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const text = JSON.stringify(params);
  if (text.length <= PARAMS_CAP_BYTES) return { ...params };
  return {
    _truncated: true,
    _capBytes: PARAMS_CAP_BYTES,
    _bytes: text.length,
    _head: text.slice(0, PARAMS_CAP_BYTES),
  };
}

export function maskCallOf(data: Pick<CallRequestData, 'service' | 'operation' | 'actions'>): MaskCall {
  return { service: data.service, operation: data.operation, actions: data.actions.map((a) => a.action) };
}

/** Request parameters masked for anything that is shown or kept (recording, approval prompts). */
export function maskRequestParams(
  params: Readonly<Record<string, unknown>>,
  call: MaskCall,
  masking: Masking,
  taskId: string,
): { readonly params: Record<string, unknown>; readonly masked: readonly MaskedField[] } {
  return maskParams(params, masking.plan(call, 'request'), masking.placeholders(taskId));
}

/**
 * A call.request event as it may be written: params and the query string masked (before capping,
 * so a cut can never expose the tail of a secret field), then capped, with the masked fields listed.
 */
export function maskRequestData(data: CallRequestData, masking: Masking, taskId: string): CallRequestData {
  const call = maskCallOf(data);
  const plan = masking.plan(call, 'request');
  const ph = masking.placeholders(taskId);
  const m = maskParams(data.params, plan, ph);
  const q = data.target.indexOf('?');
  const target =
    q < 0 ? data.target : `${data.target.slice(0, q)}?${maskQueryString(data.target.slice(q + 1), plan, ph)}`;
  return {
    ...data,
    target,
    params: capParams(m.params),
    masked: m.masked.length > 0 ? m.masked : undefined,
  };
}

/** Masks every call.request among events about to be journaled; other events pass unchanged. */
export function maskEventsForRecording(
  events: readonly EventBody[],
  masking: Masking,
  taskId: string,
): EventBody[] {
  return events.map((e) =>
    e.type === 'call.request' ? { type: 'call.request', data: maskRequestData(e.data, masking, taskId) } : e,
  );
}
