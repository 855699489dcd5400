import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHeaders } from '../fakes/proxy';

/** One request as the hop saw it (what the gateway sent towards AWS). */
export interface HopRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The hop answered it with AWS's 500 instead of passing it on. */
  readonly failed: boolean;
}

export interface FlakyUpstream {
  /** Give this to the gateway's --upstream. */
  readonly url: string;
  readonly seen: HopRequest[];
  close(): Promise<void>;
}

const INTERNAL_ERROR =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>' +
  '<Message>We encountered an internal error. Please try again.</Message>' +
  '<RequestId>FLAKY0000000001</RequestId></Error>';

/**
 * An upstream hop in front of the verifying fake that answers S3's `500 InternalError` to the
 * first `failFirst` requests matching `fails` (as AWS now and then does) and passes everything
 * else through unchanged, so the client's own retry logic runs against the real gateway.
 */
export async function startFlakyUpstream(o: {
  target: string;
  fails: (method: string, path: string) => boolean;
  failFirst: number;
}): Promise<FlakyUpstream> {
  const target = new URL(o.target);
  const seen: HopRequest[] = [];
  let failed = 0;
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const fail = failed < o.failFirst && o.fails(method, path);
    seen.push({ method, path, headers: { ...req.headers }, failed: fail });
    if (fail) {
      failed++;
      req.resume();
      req.on('end', () => {
        res.writeHead(500, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(INTERNAL_ERROR),
          'x-amz-request-id': 'FLAKY0000000001',
        });
        res.end(INTERNAL_ERROR);
      });
      return;
    }
    // The Host the gateway signed must reach the verifying front unchanged.
    const headers = { ...forwardHeaders(req.headers), host: req.headers.host };
    const out = http.request({ host: target.hostname, port: target.port, method, path, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, forwardHeaders(up.headers));
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
