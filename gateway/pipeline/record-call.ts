import { GatewayError } from '../errors/gateway-error';
import { isOutOfDescriptors, outOfDescriptorsError } from '../errors/out-of-descriptors';
import { recordingFailureAdvice } from '../errors/recording-failure';
import type { EventBody } from '../journal/events';
import type { CallContext } from './call-context';
import type { PipelineDeps } from './pipeline-deps';
import { headerMap, splitUrl } from './request-view';
import { stripPresignParams } from '../upstream/resign';
import { maskEventsForRecording } from '../recording/request-record';
import { checksumHeaders } from '../recording/response-record';

export function elapsedMs(from: bigint, to: bigint = process.hrtime.bigint()): number {
  return Number(to - from) / 1e6;
}

/**
 * The call.request event, with raw params: record it only through recordOrRefuse, which masks
 * and caps them (gateway/recording/request-record.ts).
 */
export function callRequestEvent(ctx: CallContext): EventBody {
  const id = ctx.identified;
  const { path, rawQuery } = splitUrl(ctx.raw.rawUrl);
  const query = stripPresignParams(rawQuery);
  const len = Number(ctx.req.headers['content-length']);
  return {
    type: 'call.request',
    data: {
      callId: ctx.callId,
      arrival: ctx.arrival,
      identity: ctx.task?.startedBy ?? 'unknown',
      accessKeyId: ctx.auth?.accessKeyId ?? '',
      method: ctx.raw.method,
      target: query ? `${path}?${query}` : path,
      service: id?.service ?? 'unknown',
      region: id?.region ?? ctx.auth?.scope.region ?? '',
      operation: id?.operation,
      protocol: id?.protocol ?? 'unknown',
      actions:
        ctx.mapping?.requirements.map((r) => ({ action: r.action, resources: [...r.resources] })) ?? [],
      accountSource: ctx.account?.source,
      params: id?.params ?? {},
      bodyBytes: ctx.body?.length ?? (Number.isFinite(len) ? len : undefined),
      contentSha256: ctx.auth?.contentSha256,
      sourceIp: ctx.req.socket.remoteAddress,
      userAgent: ctx.req.headers['user-agent']?.slice(0, 512),
      // Object bodies stream to AWS unread: the recording keeps their size and checksums.
      bodyStreamed: ctx.streamBody || undefined,
      bodyChecksums: ctx.streamBody ? checksumHeaders(headerMap(ctx.raw.rawHeaders)) : undefined,
    },
  };
}

export function localResponseEvent(ctx: CallContext, status: number, errorCode: string): EventBody {
  return {
    type: 'call.response',
    data: {
      callId: ctx.callId,
      status,
      errorCode,
      responseBytes: 0,
      gatewayMs: elapsedMs(ctx.arrivedAt),
      local: true,
    },
  };
}

export function errorEvent(ctx: CallContext, code: string, message: string): EventBody {
  return {
    type: 'call.error',
    data: { callId: ctx.callId, arrival: ctx.arrival, code, message, accessKeyId: ctx.auth?.accessKeyId },
  };
}

/**
 * Records events, call requests masked; if they cannot be made durable the call is refused
 * (fail closed).
 */
export async function recordOrRefuse(deps: PipelineDeps, taskId: string, events: EventBody[]): Promise<void> {
  try {
    await deps.journal.record(taskId, maskEventsForRecording(events, deps.masking, taskId));
  } catch (e) {
    deps.log.log('error', 'journal write failed; refusing the call', { taskId, error: String(e) });
    if (isOutOfDescriptors(e)) throw outOfDescriptorsError();
    throw new GatewayError(
      'RecordingUnavailable',
      `Airlock could not record this call, so it was not sent to AWS. ${recordingFailureAdvice(e)}`,
    );
  }
}
