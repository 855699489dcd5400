import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { ReceivedCall, StubRequest, StubResponse } from './types';

/** Headers that describe one hop and must not be copied to the next. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

export function forwardHeaders(
  headers: IncomingHttpHeaders,
  drop: readonly string[] = [],
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Streams a backend's response to the client, unchanged but for the hop headers. */
export function relayResponse(
  upstream: IncomingMessage,
  res: ServerResponse,
  call: ReceivedCall,
  extra: Record<string, string> = {},
): void {
  const headers = forwardHeaders(upstream.headers);
  for (const [k, v] of Object.entries(extra)) if (headers[k] === undefined) headers[k] = v;
  call.status = upstream.statusCode ?? 502;
  res.writeHead(call.status, headers);
  pipeline(upstream, res, () => undefined);
}

/**
 * Writes an in-process answer. When the request body was never read (a refusal before
 * 100-continue), the connection cannot be reused and is closed.
 */
export function sendStubResponse(
  req: IncomingMessage,
  res: ServerResponse,
  call: ReceivedCall,
  resp: StubResponse,
  closeConnection = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  call.status = resp.status;
  if (resp.operation !== undefined) call.operation = resp.operation;
  if (resp.errorCode !== undefined && call.code === undefined) call.code = resp.errorCode;
  const body = req.method === 'HEAD' ? Buffer.alloc(0) : (resp.rawBody ?? Buffer.from(resp.body, 'utf8'));
  const headers: OutgoingHttpHeaders = { ...resp.headers, 'content-length': body.length };
  if (closeConnection) headers['connection'] = 'close';
  res.writeHead(resp.status, headers);
  res.end(body);
}

/** Non-S3 bodies are buffered to hash them; real AWS JSON/query APIs cap well below this. */
export const MAX_BUFFERED_BODY = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Buffers a small request body (non-S3 services: their payload hash needs the whole body). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** What a stub is handed for a call whose body has been read: its path split from its query. */
export function stubRequestOf(
  req: IncomingMessage,
  call: ReceivedCall,
  body: Buffer,
  region: string,
): StubRequest {
  const url = new URL(call.path, 'http://fake.invalid');
  return {
    method: call.method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    region,
  };
}
