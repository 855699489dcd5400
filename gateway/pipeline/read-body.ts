import { decisionNeedsBody } from '../aws/payload-params';
import { GatewayError } from '../errors/gateway-error';
import { declaredPayloadHash, EMPTY_SHA256, sha256Hex, UNSIGNED_PAYLOAD } from '../sigv4';
import { verify } from './authenticate';
import type { BodyBudget, BodyLease } from './body-budget';
import type { CallContext } from './call-context';
import { parseQuery, splitUrl } from './request-view';

/** Bodies of non-streaming APIs (JSON, query) are read whole up to this size; larger ones are refused. */
export const BUFFER_CAP_BYTES = 16 * 1024 * 1024;
/**
 * A buffered body must have arrived whole by then: the bytes it holds count against the budget,
 * and a client trickling them in must not keep that share of it forever.
 */
export const BODY_DEADLINE_MS = 30_000;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const STREAMING_SERVICES = new Set(['s3', 's3-outposts', 's3express', 'glacier']);
const UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

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

function hashMismatch(): GatewayError {
  return new GatewayError(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  );
}

function overBudget(): GatewayError {
  return new GatewayError(
    'SlowDown',
    'Airlock is reading as many request bodies as it holds at once; this request was refused before its body was read. Retry shortly.',
  );
}

/** A declared payload hash the gateway can check, or an early refusal of one it cannot. */
function checkDeclared(declared: string): void {
  if (HEX_SHA256.test(declared) || declared === UNSIGNED_PAYLOAD || declared === UNSIGNED_TRAILER) return;
  if (declared.startsWith('STREAMING-')) {
    throw new GatewayError(
      'NotImplemented',
      `Airlock does not support signed-chunk uploads (${declared.slice(0, 64)}): it cannot re-sign each chunk. ` +
        'Configure the client to send an unsigned or fully hashed payload (e.g. S3 with UNSIGNED-PAYLOAD).',
    );
  }
  throw new GatewayError(
    'InvalidRequest',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or the hex SHA-256 of the body.',
  );
}

/**
 * Checks the signature and gets the body, so that no byte of a body is read for a request whose
 * signature is already known to be wrong, and what unverified bodies can cost is bounded:
 *
 * - With a declared payload hash (x-amz-content-sha256, which the signature covers as the last
 *   line of the canonical request), the signature is verified first, before any body byte. The
 *   body then either streams through untouched (object uploads: the upstream checks the bytes
 *   against the signed hash we keep) or is read and checked against that hash.
 * - Without one (JSON and query APIs as botocore signs them), the signature covers the body's
 *   hash, so the body must be read first: it is, within the unverified-body budget (refused
 *   quickly past it, without reading), capped and under a deadline, then verified.
 *
 * The body's share of the budget is held on `ctx.bodyLease` until the call is over.
 */
export async function readVerifiedBody(ctx: CallContext, secret: string, budget: BodyBudget): Promise<void> {
  const declared = ctx.auth && declaredPayloadHash(ctx.auth);
  const len = contentLength(ctx);
  const service = ctx.auth?.scope.service ?? '';
  // A body the decision reads (S3 DeleteObjects' keys) is buffered, so what was read is what is sent.
  const decisive = decisionNeedsBody(service, ctx.raw.method, parseQuery(splitUrl(ctx.raw.rawUrl).rawQuery));
  if (declared !== undefined) {
    checkDeclared(declared);
    verify(ctx, secret, declared);
    const large = len === undefined || len > BUFFER_CAP_BYTES;
    if (decisive && large)
      throw new GatewayError(
        'RequestEntityTooLarge',
        `Airlock decides this call on its body, which must declare a Content-Length of at most ${BUFFER_CAP_BYTES} bytes.`,
      );
    if (len === undefined || (!decisive && (STREAMING_SERVICES.has(service) || large))) {
      ctx.streamBody = hasBody(ctx);
      return;
    }
    const hex = HEX_SHA256.test(declared) ? declared.toLowerCase() : undefined;
    // An empty body has one possible hash; a different one can never match, so the bytes need not be read.
    if (hex !== undefined && len === 0 && hex !== EMPTY_SHA256) throw hashMismatch();
    ctx.bodyLease = budget.reserve(len, false);
    if (!ctx.bodyLease) throw overBudget();
    ctx.body = await readAll(ctx, len, ctx.bodyLease);
    // The signature covers the declared hash, not the bytes: with the body in hand, check them,
    // so a body altered after signing never leaves the gateway.
    if (hex !== undefined && sha256Hex(ctx.body) !== hex) throw hashMismatch();
    return;
  }
  if (len !== undefined && len > BUFFER_CAP_BYTES) {
    throw new GatewayError(
      'RequestEntityTooLarge',
      `Request body of ${len} bytes is larger than Airlock reads for this API (${BUFFER_CAP_BYTES} bytes) without an x-amz-content-sha256 header.`,
    );
  }
  if (!hasBody(ctx)) {
    ctx.body = Buffer.alloc(0);
    verify(ctx, secret, EMPTY_SHA256);
    return;
  }
  ctx.bodyLease = budget.reserve(len ?? 0, true);
  if (!ctx.bodyLease) throw overBudget();
  ctx.body = await readAll(ctx, len, ctx.bodyLease);
  verify(ctx, secret, sha256Hex(ctx.body));
  ctx.bodyLease.verified();
}

/**
 * Reads the whole body into one buffer (allocated once when the length is declared), refusing
 * past BUFFER_CAP_BYTES, past the budget, or after BODY_DEADLINE_MS. Answers
 * `Expect: 100-continue` first, since we need the body.
 */
function readAll(ctx: CallContext, declaredLength: number | undefined, lease: BodyLease): Promise<Buffer> {
  if (ctx.expectContinue) ctx.res.writeContinue();
  return new Promise<Buffer>((resolve, reject) => {
    const req = ctx.req;
    const fixed = declaredLength !== undefined ? Buffer.allocUnsafe(declaredLength) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        chunks.length = 0;
        reject(err);
      } else if (fixed) resolve(size === fixed.length ? fixed : fixed.subarray(0, size));
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (c: Buffer): void => {
      if (size + c.length > BUFFER_CAP_BYTES) {
        done(
          new GatewayError('RequestEntityTooLarge', `Request body is larger than ${BUFFER_CAP_BYTES} bytes.`),
        );
        return;
      }
      if (fixed) {
        // Node frames the body by Content-Length, so this only guards against a bug upstream of us.
        if (size + c.length > fixed.length) {
          done(new GatewayError('MalformedRequest', 'The request body is longer than its Content-Length.'));
          return;
        }
        c.copy(fixed, size);
      } else {
        if (!lease.grow(c.length)) {
          done(overBudget());
          return;
        }
        chunks.push(c);
      }
      size += c.length;
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
    const timer = setTimeout(
      () =>
        done(
          new GatewayError(
            'RequestTimeout',
            `The request body did not arrive within ${BODY_DEADLINE_MS / 1000} seconds; Airlock stopped waiting for it.`,
          ),
        ),
      BODY_DEADLINE_MS,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
