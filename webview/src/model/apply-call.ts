/**
 * How each call event changes a call record. Unknown event types that name a call still
 * contribute what the timeline understands (masked fields, bodies), so newer recordings show
 * more rather than less.
 */
import type { BodyDetail, WireEvent } from '../protocol';
import type { ActionView, CallRecord, MaskedFieldView } from './call-record';
import {
  fieldsOf,
  readArray,
  readBoolean,
  readNumber,
  readString,
  readStrings,
  type Fields,
} from './read-fields';

function actionsOf(d: Fields): ActionView[] {
  const out: ActionView[] = [];
  for (const a of readArray(d, 'actions')) {
    const f = fieldsOf(a);
    const action = readString(f, 'action');
    if (action) out.push({ action, resources: readStrings(f, 'resources') });
  }
  return out;
}

function bodyOf(d: Fields, keys: readonly string[], typeKeys: readonly string[]): BodyDetail | undefined {
  for (const k of keys) {
    const v = d[k];
    if (v === undefined || v === null) continue;
    const contentType = typeKeys.map((t) => readString(d, t)).find((t) => t !== undefined);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return { text, contentType: typeof v === 'string' ? contentType : 'application/json' };
  }
  return undefined;
}

function mergeMasked(r: CallRecord, d: Fields, where: string): void {
  for (const m of readArray(d, 'masked')) {
    const f = fieldsOf(m);
    const field = readString(f, 'field') ?? readString(f, 'path');
    if (!field) continue;
    const view: MaskedFieldView = {
      where: readString(f, 'where') ?? where,
      field,
      source: readString(f, 'source') ?? '',
      count: readNumber(f, 'count') ?? 1,
      recordingOnly: readBoolean(f, 'recordingOnly'),
    };
    if (!r.masked.some((x) => x.where === view.where && x.field === view.field)) r.masked.push(view);
  }
}

function base(idx: number, callId: string, e: WireEvent, at: number): CallRecord {
  return {
    idx,
    callId,
    seq: e.seq ?? idx,
    ts: e.ts,
    startMs: at,
    service: '',
    actions: [],
    masked: [],
    outcome: 'unknown',
  };
}

export function newCall(idx: number, callId: string, e: WireEvent, at: number, d: Fields): CallRecord {
  const r = base(idx, callId, e, at);
  r.service = readString(d, 'service') ?? '';
  r.operation = readString(d, 'operation');
  r.method = readString(d, 'method');
  r.target = readString(d, 'target');
  r.region = readString(d, 'region');
  r.protocol = readString(d, 'protocol');
  r.identity = readString(d, 'identity');
  r.arrival = readString(d, 'arrival');
  r.userAgent = readString(d, 'userAgent');
  r.sourceIp = readString(d, 'sourceIp');
  r.actions = actionsOf(d);
  const params = d.params;
  r.params = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : undefined;
  r.bodyBytes = readNumber(d, 'bodyBytes');
  r.requestBody = bodyOf(d, ['body', 'requestBody'], ['contentType', 'bodyContentType']);
  mergeMasked(r, d, 'request');
  return r;
}

/** A call the gateway refused before it could be identified: only the error is known. */
export function newRefusedCall(idx: number, callId: string, e: WireEvent, at: number, d: Fields): CallRecord {
  const r = base(idx, callId, e, at);
  r.arrival = readString(d, 'arrival');
  applyCallEvent(r, e, at, d);
  return r;
}

/** A decision taken on an approval also tells how the approval ended, even without its events. */
function applyDecisionApproval(r: CallRecord, d: Fields): void {
  const approvalId = readString(d, 'approvalId');
  if (!approvalId) return;
  if (!r.approval || r.approval.approvalId !== approvalId) r.approval = { approvalId, state: 'pending' };
  if (r.approval.state === 'pending') r.approval.state = r.decision === 'allow' ? 'approved' : 'denied';
  r.approval.waitedMs = readNumber(d, 'waitedMs') ?? r.approval.waitedMs;
}

export function applyCallEvent(r: CallRecord, e: WireEvent, at: number, d: Fields): CallRecord {
  switch (e.type) {
    case 'call.decision':
      r.decision = readString(d, 'decision');
      r.reason = readString(d, 'reason');
      r.rule = readString(d, 'rule');
      applyDecisionApproval(r, d);
      break;
    case 'call.response':
      r.endMs = at;
      r.status = readNumber(d, 'status');
      r.errorCode = readString(d, 'errorCode');
      r.awsRequestId = readString(d, 'awsRequestId');
      r.responseBytes = readNumber(d, 'responseBytes');
      r.upstreamMs = readNumber(d, 'upstreamMs');
      r.gatewayMs = readNumber(d, 'gatewayMs');
      r.local = readBoolean(d, 'local');
      r.aborted = readBoolean(d, 'aborted');
      r.responseBody =
        bodyOf(d, ['body', 'responseBody'], ['contentType', 'bodyContentType']) ?? r.responseBody;
      mergeMasked(r, d, 'response');
      break;
    case 'call.error':
      r.endMs = at;
      r.error = { code: readString(d, 'code') ?? 'Error', message: readString(d, 'message') ?? '' };
      break;
    default: {
      const response = e.type.includes('response');
      mergeMasked(r, d, response ? 'response' : 'request');
      r.requestBody =
        bodyOf(d, response ? ['requestBody'] : ['requestBody', 'body'], [
          'requestContentType',
          'contentType',
        ]) ?? r.requestBody;
      r.responseBody =
        bodyOf(d, response ? ['responseBody', 'body'] : ['responseBody'], [
          'responseContentType',
          'contentType',
        ]) ?? r.responseBody;
      break;
    }
  }
  return r;
}
