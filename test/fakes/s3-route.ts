import { randomBytes } from 'node:crypto';
import {
  request,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { pipeline, Writable, type Transform } from 'node:stream';
import { AwsChunkedDecoder } from './aws-chunked';
import { newRequestId, renderAwsError } from './aws-errors';
import {
  algorithmForHeader,
  BodyIntegrityError,
  checksumChecker,
  HoldBackVerifier,
  sha256Checker,
  type BodyChecker,
} from './body-checks';
import { forwardHeaders, relayResponse, sendStubResponse } from './proxy';
import type { ReceivedCall } from './types';

export interface S3RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  call: ReceivedCall;
  backendPort: number;
  agent: Agent;
  /** The client sent Expect: 100-continue and has not been told to go on yet. */
  expectContinue: boolean;
}

const TRAILER_PAYLOAD = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const HOLD_BYTES = 1024 * 1024;
const BODY_CHECKSUM_NAMES = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'].map(
  (a) => `x-amz-checksum-${a}`,
);

/** Opens the backend request only once the first verified byte (or the end) is ready for it. */
class LazyUpstream extends Writable {
  private upstream: ClientRequest | undefined;

  constructor(private readonly open: () => ClientRequest) {
    super();
  }

  private ensure(): ClientRequest {
    if (!this.upstream) {
      this.upstream = this.open();
      this.upstream.on('error', (err) => this.destroy(err));
    }
    return this.upstream;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const upstream = this.ensure();
    if (upstream.write(chunk)) done();
    else upstream.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.ensure().end(() => done());
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    // Cutting the backend request short is how a failed check keeps a large body out of s3rver.
    if (err && this.upstream) this.upstream.destroy();
    done(err);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * Streams a signature-verified S3 request to s3rver, checking on the way that the body is what
 * its signed headers promised (full SHA-256, aws-chunked trailer checksum, x-amz-checksum-*).
 */
export function routeS3(ctx: S3RouteContext): void {
  const { req, res, call } = ctx;
  let continued = false;
  const refuse = (status: number, code: string, message: string): void => {
    call.verified = 'failed';
    call.code = code;
    call.reason = message;
    sendStubResponse(
      req,
      res,
      call,
      renderAwsError('s3', 's3', { status, code, message }),
      ctx.expectContinue && !continued,
    );
  };

  const hash = header(req, 'x-amz-content-sha256');
  if (hash === undefined) {
    refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    return;
  }
  const encodings = (header(req, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const chunked = encodings.includes('aws-chunked');
  const stages: Transform[] = [];
  const checkers: BodyChecker[] = [];
  const drop = ['authorization'];
  let upstreamLength = header(req, 'content-length');

  if (/^[0-9a-f]{64}$/.test(hash) || hash === 'UNSIGNED-PAYLOAD') {
    if (chunked)
      return refuse(
        400,
        'InvalidRequest',
        `aws-chunked bodies need a STREAMING-* x-amz-content-sha256, not ${hash}`,
      );
    if (hash !== 'UNSIGNED-PAYLOAD') checkers.push(sha256Checker(hash));
  } else if (hash === TRAILER_PAYLOAD) {
    if (!chunked)
      return refuse(400, 'InvalidRequest', `${TRAILER_PAYLOAD} requires Content-Encoding: aws-chunked`);
    const decoded = header(req, 'x-amz-decoded-content-length') ?? '';
    if (!/^\d+$/.test(decoded))
      return refuse(411, 'MissingContentLength', 'x-amz-decoded-content-length is required');
    const trailerNames = (header(req, 'x-amz-trailer') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const unsupported = trailerNames.filter((t) => BODY_CHECKSUM_NAMES.includes(t) && !algorithmForHeader(t));
    if (unsupported.length > 0)
      return refuse(501, 'NotImplemented', `the fake cannot verify ${unsupported.join(', ')}`);
    stages.push(new AwsChunkedDecoder({ decodedLength: Number(decoded), trailerNames }));
    upstreamLength = decoded;
    drop.push('x-amz-decoded-content-length', 'x-amz-trailer', 'content-encoding');
  } else if (hash.startsWith('STREAMING-')) {
    return refuse(501, 'NotImplemented', `the fake does not verify ${hash} uploads`);
  } else {
    return refuse(
      400,
      'InvalidArgument',
      `x-amz-content-sha256 "${hash}" is neither a SHA-256 digest nor a known payload mode`,
    );
  }

  if (!chunked) {
    if (req.headers['transfer-encoding'] !== undefined && upstreamLength === undefined) {
      return refuse(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    // Only uploads carry a body-level checksum header; CompleteMultipartUpload's is a composite.
    if (req.method === 'PUT') {
      for (const name of BODY_CHECKSUM_NAMES) {
        const value = header(req, name);
        if (value === undefined) continue;
        const algorithm = algorithmForHeader(name);
        if (!algorithm) return refuse(501, 'NotImplemented', `the fake cannot verify ${name}`);
        checkers.push(checksumChecker(algorithm, value));
      }
    }
  }

  if (ctx.expectContinue) {
    res.writeContinue();
    continued = true;
  }
  const headers = forwardHeaders(req.headers, drop);
  if (upstreamLength !== undefined) headers['content-length'] = upstreamLength;
  const otherEncodings = encodings.filter((e) => e !== 'aws-chunked');
  if (chunked && otherEncodings.length > 0) headers['content-encoding'] = otherEncodings.join(',');
  headers['host'] = `127.0.0.1:${ctx.backendPort}`;

  let answered = false;
  const sink = new LazyUpstream(() => {
    call.backendReached = true;
    const upstream = request({
      host: '127.0.0.1',
      port: ctx.backendPort,
      method: req.method,
      path: req.url,
      headers,
      agent: ctx.agent,
    });
    upstream.on('response', (upRes: IncomingMessage) => {
      if (answered) {
        upRes.resume();
        return;
      }
      answered = true;
      relayResponse(upRes, res, call, {
        'x-amz-request-id': newRequestId(),
        'x-amz-id-2': randomBytes(24).toString('base64'),
      });
    });
    return upstream;
  });
  const holdBytes = checkers.length > 0 || chunked ? HOLD_BYTES : 0;
  stages.push(new HoldBackVerifier(checkers, holdBytes));
  const first = stages[0] as Transform;

  pipeline([...stages, sink], (err) => {
    if (!err) return;
    req.unpipe(first);
    req.resume();
    if (answered) return;
    answered = true;
    if (err instanceof BodyIntegrityError) refuse(err.status, err.code, err.message);
    else if (!req.complete) res.destroy();
    else refuse(500, 'InternalError', `fake S3 backend failed: ${err.message}`);
  });
  req.on('close', () => {
    if (!req.complete) first.destroy(new Error('client aborted the request'));
  });
  req.pipe(first);
}
