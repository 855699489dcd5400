import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { AwsProtocol } from '../aws/types';
import { GatewayError } from '../errors/gateway-error';
import { recordingFailureAdvice } from '../errors/recording-failure';
import type { CallResponseData } from '../journal/events';
import type { MaskPlan, Placeholders } from '../masking';
import { type ForwardResult, peekErrorCode } from '../upstream/forward';
import { decodeBody, encodeBody, encodingOf } from './body-codec';
import { HoldBack } from './hold-back';
import { maskAnswer, notMaskable } from './mask-answer';
import { readCapped } from './read-capped';
import { cappedBody, checksumHeaders, responseBase } from './response-record';
import { responseKind } from './response-kind';

/** API documents larger than this are not masked: refused when secret-bearing, else passed through. */
export const MASK_CAP_BYTES = 8 * 1024 * 1024;
const ERROR_PEEK_BYTES = 8192;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
]);

export interface DeliveryInput {
  readonly up: IncomingMessage;
  readonly res: ServerResponse;
  readonly upstreamStartedAt: bigint;
  readonly callId: string;
  readonly service: string;
  readonly operation?: string;
  /** The protocol the request spoke: how its answer is read for masking (never its content type). */
  readonly protocol: AwsProtocol | 'unknown';
  readonly method: string;
  /** hrtime at the call's arrival, for the gateway's own share of the time. */
  readonly arrivedAt: bigint;
  readonly plan: MaskPlan;
  readonly placeholders: Placeholders;
  /** Changes the agent's copy of a read answer after masking (SQS queue URLs); the record keeps AWS's. */
  readonly rewriteForAgent?: (text: string, status: number, asReceived: string) => string | undefined;
  /** Makes the call.response event durable; rejects when it cannot. */
  readonly record: (data: CallResponseData) => Promise<void>;
  /** Rewrites an error body (status >= 300) before anything else reads it (upstream/scrub-signature-echo.ts). */
  readonly scrubError?: (body: string) => string;
}

function ms(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

function outHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function recordingFailed(e: unknown): GatewayError {
  return new GatewayError(
    'RecordingUnavailable',
    'Airlock could not record the answer to this call, so it was not passed on. The call did reach AWS. ' +
      recordingFailureAdvice(e),
  );
}

/** Resolves once the response is fully written (or the agent went away). */
function agentGone(res: ServerResponse): boolean {
  return res.destroyed || !res.socket || res.socket.destroyed;
}

function whenSent(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.writableFinished) return resolve(false);
    res.once('finish', () => resolve(false));
    res.once('close', () => resolve(!res.writableFinished));
  });
}

/**
 * Delivers an upstream response to the agent so that its record is durable before the agent has
 * all of it (DESIGN.md section 1.7, issue 4). Every answer but object bodies and event streams is
 * read whole (up to MASK_CAP_BYTES), decoded, masked by what the identified operation answers
 * with (response-kind.ts, mask-answer.ts; never by its content type), recorded and only then
 * sent, re-encoded, with a corrected length. Object bodies and event streams flow through
 * untouched while the last chunk is held back until their record is on disk. Answers that
 * cannot be masked (an unknown coding; secret-bearing and too large or not parseable; binary
 * holding a secret) are refused instead of leaked.
 */
export async function deliverResponse(d: DeliveryInput): Promise<ForwardResult> {
  const { up, res } = d;
  const status = up.statusCode ?? 502;
  const kind = responseKind(d, d.method, status);
  const strict = d.plan.strict && status < 300;
  if (kind.mode === 'stream') {
    if (strict) {
      up.destroy();
      throw notMaskable('it carries secrets but its operation answers with a stream');
    }
    return streamThrough(d, status);
  }
  const read = await readCapped(up, MASK_CAP_BYTES).catch(() => {
    throw new GatewayError('UpstreamUnreachable', 'AWS closed the connection in the middle of its answer.');
  });
  if (read.overflow) {
    if (strict) {
      up.destroy();
      throw notMaskable(`it carries secrets and is larger than ${MASK_CAP_BYTES} bytes`);
    }
    // An error is a document, never object bytes: one too large to read cannot be scrubbed of the
    // re-signed request AWS echoes into signature errors (real key id, session token), so it is
    // refused rather than streamed past the scrubber.
    if (status >= 300) {
      up.destroy();
      throw notMaskable(`it is an error answer larger than ${MASK_CAP_BYTES} bytes`);
    }
    return streamThrough(d, status, read.chunks, 'over-cap');
  }
  const upstreamEndedAt = process.hrtime.bigint();
  const raw = Buffer.concat(read.chunks, read.bytes);
  const base = responseBase(d.callId, status, up.headers);
  const timings = {
    upstreamMs: ms(d.upstreamStartedAt, upstreamEndedAt),
    gatewayMs: Math.max(
      0,
      ms(d.arrivedAt, process.hrtime.bigint()) - ms(d.upstreamStartedAt, upstreamEndedAt),
    ),
  };
  const headers = outHeaders(up.headers);
  let agentBody: Buffer = raw;
  let data: CallResponseData;
  if (kind.mode === 'empty' || raw.length === 0) {
    data = { ...base, responseBytes: raw.length, local: false, ...timings };
  } else {
    const enc = encodingOf(up.headers['content-encoding']);
    // A coding the gateway cannot undo is one it cannot mask either: no answer passes unread.
    const decoded =
      enc === undefined ? undefined : await decodeBody(raw, enc, MASK_CAP_BYTES).catch(() => undefined);
    if (enc === undefined || decoded === undefined)
      throw notMaskable(`its content encoding (${String(up.headers['content-encoding'])}) cannot be decoded`);
    // AWS's signature errors echo the gateway's re-signed request: scrubbed before masking, so
    // neither the agent nor the recording sees it.
    const scrubbed = status >= 300 && d.scrubError ? scrubText(decoded, d.scrubError) : decoded;
    const m = maskAnswer(scrubbed, kind, d.plan, d.placeholders, strict);
    // `m.agent` undefined means "the bytes as they came"; scrubbing or rewriting changes that.
    let agentText = m.agent ?? (scrubbed !== decoded ? scrubbed.toString('utf8') : undefined);
    if (d.rewriteForAgent && m.readAs !== undefined)
      agentText =
        d.rewriteForAgent(agentText ?? scrubbed.toString('utf8'), status, scrubbed.toString('utf8')) ??
        agentText;
    if (agentText !== undefined) {
      agentBody = await encodeBody(Buffer.from(agentText), enc);
      delete headers['content-md5'];
      if (headers['x-amz-crc32'] !== undefined) headers['x-amz-crc32'] = String(zlib.crc32(agentBody));
    }
    const peek = m.record ?? '';
    data = {
      ...base,
      errorCode: status >= 300 ? peekErrorCode(peek.slice(0, ERROR_PEEK_BYTES), up.headers) : undefined,
      responseBytes: raw.length,
      local: false,
      ...timings,
      bodyFormat: m.readAs,
      bodyBytes: decoded.length,
      ...(m.record === undefined ? {} : cappedBody(m.record)),
      masked: m.masked.length > 0 ? m.masked : undefined,
    };
  }
  if (data.errorCode === undefined && status >= 300)
    data = { ...data, errorCode: peekErrorCode('', up.headers) };
  // The agent gave up while AWS was answering (a client timeout): AWS acted, the agent never knew.
  if (agentGone(res)) data = { ...data, aborted: true };
  try {
    await d.record(data);
  } catch (e) {
    throw recordingFailed(e);
  }
  // HEAD keeps the length of the body it describes; everything else gets the length we send.
  if (kind.mode !== 'empty') headers['content-length'] = String(agentBody.length);
  res.writeHead(status, headers);
  res.end(kind.mode === 'empty' ? undefined : agentBody);
  const aborted = await whenSent(res);
  return {
    status,
    awsRequestId: base.awsRequestId,
    errorCode: data.errorCode,
    responseBytes: raw.length,
    upstreamStartedAt: d.upstreamStartedAt,
    upstreamEndedAt,
    aborted,
  };
}

/**
 * Streams the rest of a response through (after any chunks already read), holding its last chunk
 * until the record is durable. A failed record cuts the response short: the agent sees a broken
 * transfer, never a complete unrecorded answer.
 */
function streamThrough(
  d: DeliveryInput,
  status: number,
  already: readonly Buffer[] = [],
  skipped?: 'over-cap',
): Promise<ForwardResult> {
  const { up, res } = d;
  const base = responseBase(d.callId, status, up.headers);
  let upstreamEndedAt: bigint | undefined;
  let recorded: Promise<void> | undefined;
  const record = (aborted: boolean): Promise<void> => {
    recorded ??= (() => {
      const end = upstreamEndedAt ?? process.hrtime.bigint();
      const upstreamMs = ms(d.upstreamStartedAt, end);
      return d.record({
        ...base,
        errorCode: status >= 300 ? peekErrorCode(hold.peek, up.headers) : undefined,
        responseBytes: hold.bytes,
        upstreamMs,
        gatewayMs: Math.max(0, ms(d.arrivedAt, process.hrtime.bigint()) - upstreamMs),
        local: false,
        aborted: aborted || undefined,
        bodyStreamed: true,
        bodyChecksums: checksumHeaders(up.headers),
        maskingSkipped: skipped,
      });
    })();
    return recorded;
  };
  const hold = new HoldBack(
    () => {
      upstreamEndedAt = process.hrtime.bigint();
      return record(false);
    },
    status >= 300 ? ERROR_PEEK_BYTES : 0,
  );
  res.writeHead(status, outHeaders(up.headers));
  return new Promise<ForwardResult>((resolve) => {
    let finished = false;
    const done = (aborted: boolean): void => {
      if (finished) return;
      finished = true;
      const settle = (): void =>
        resolve({
          status,
          awsRequestId: base.awsRequestId,
          errorCode: status >= 300 ? peekErrorCode(hold.peek, up.headers) : undefined,
          responseBytes: hold.bytes,
          upstreamStartedAt: d.upstreamStartedAt,
          upstreamEndedAt: upstreamEndedAt ?? process.hrtime.bigint(),
          aborted,
        });
      // An aborted transfer is still recorded (as aborted); its failure to record changes nothing more.
      record(aborted).then(settle, settle);
    };
    res.once('finish', () => done(false));
    res.once('close', () => {
      if (res.writableFinished) return;
      up.destroy();
      done(true);
    });
    const broken = (): void => {
      res.destroy();
      done(true);
    };
    up.once('error', broken);
    hold.once('error', broken);
    for (const c of already) hold.write(c);
    up.pipe(hold).pipe(res);
    up.resume();
  });
}

function scrubText(bytes: Buffer, scrub: (body: string) => string): Buffer {
  const text = bytes.toString('utf8');
  const out = scrub(text);
  return out === text ? bytes : Buffer.from(out);
}
