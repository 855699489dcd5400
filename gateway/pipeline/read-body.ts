import { decisionNeedsBody } from '../aws/payload-params';
import { GatewayError } from '../errors/gateway-error';
import { declaredPayloadHash, sha256Hex } from '../sigv4';
import type { CallContext } from './call-context';
import { parseQuery, splitUrl } from './request-view';

/** Bodies of non-streaming APIs (JSON, query) are read whole up to this size; larger ones are refused. */
export const BUFFER_CAP_BYTES = 16 * 1024 * 1024;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const STREAMING_SERVICES = new Set(['s3', 's3-outposts', 's3express', 'glacier']);

function contentLength(ctx: CallContext): number | undefined {
  const v = ctx.req.headers['content-length'];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function hasBody(ctx: CallContext): boolean {
  const len = contentLength(ctx);
  return len !== undefined ? len > 0 : ctx.req.headers['transfer-encoding'] !== undefined;
}

/**
 * Decides whether the body streams through untouched or is read into memory, and returns the
 * payload hash the agent's signature covers. Streaming keeps the agent's x-amz-content-sha256
 * so the upstream itself checks the bytes; reading is for small API bodies the identify stage
 * needs (JSON and form-encoded operations).
 */
export async function readBody(ctx: CallContext): Promise<string> {
  const declared = ctx.auth && declaredPayloadHash(ctx.auth);
  if (declared?.startsWith('STREAMING-') && declared !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') {
    throw new GatewayError(
      'NotImplemented',
      `Airlock does not support signed-chunk uploads (${declared}): it cannot re-sign each chunk. ` +
        'Configure the client to send an unsigned or fully hashed payload (e.g. S3 with UNSIGNED-PAYLOAD).',
    );
  }
  const service = ctx.auth?.scope.service ?? '';
  const len = contentLength(ctx);
  // A body the decision reads (S3 DeleteObjects' keys) is buffered, so what was read is what is sent.
  const decisive = decisionNeedsBody(service, ctx.raw.method, parseQuery(splitUrl(ctx.raw.rawUrl).rawQuery));
  if (declared !== undefined) {
    const small = len !== undefined && len <= BUFFER_CAP_BYTES;
    if (!decisive && (STREAMING_SERVICES.has(service) || !small)) {
      ctx.streamBody = hasBody(ctx);
      return declared;
    }
    ctx.body = await readAll(ctx, BUFFER_CAP_BYTES);
    // The signature covers the declared hash, not the bytes: with the body in hand, check them,
    // so a body altered after signing never leaves the gateway.
    if (HEX_SHA256.test(declared) && sha256Hex(ctx.body) !== declared.toLowerCase()) {
      throw new GatewayError(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    return declared;
  }
  if (len !== undefined && len > BUFFER_CAP_BYTES) {
    throw new GatewayError(
      'RequestEntityTooLarge',
      `Request body of ${len} bytes is larger than Airlock reads for this API (${BUFFER_CAP_BYTES} bytes) without an x-amz-content-sha256 header.`,
    );
  }
  ctx.body = await readAll(ctx, BUFFER_CAP_BYTES);
  return sha256Hex(ctx.body);
}

/** Reads the whole body, refusing past `cap`. Answers `Expect: 100-continue` first, since we need it. */
function readAll(ctx: CallContext, cap: number): Promise<Buffer> {
  if (ctx.expectContinue) ctx.res.writeContinue();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const req = ctx.req;
    const done = (err?: Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > cap) {
        done(new GatewayError('RequestEntityTooLarge', `Request body is larger than ${cap} bytes.`));
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => done();
    const onError = (e: Error): void =>
      done(new GatewayError('MalformedRequest', `Could not read the request body: ${e.message}`));
    const onClose = (): void => {
      if (!req.complete)
        done(
          new GatewayError(
            'MalformedRequest',
            'The client closed the connection before sending the whole body.',
          ),
        );
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
