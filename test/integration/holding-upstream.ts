import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardHeaders } from '../fakes/proxy';

export interface HoldingUpstream {
  /** Give this to the gateway's --upstream. */
  readonly url: string;
  /** Calls that reached this hop and are being held (forwarded by the gateway, never answered). */
  held(): number;
  close(): Promise<void>;
}

/**
 * An upstream hop that passes the first `passFirst` calls through to `target` unchanged and
 * holds every later one open. A crash test uses it to know, rather than hope, that calls are in
 * flight inside the gateway when it is killed: a fast gateway otherwise answers everything before
 * the kill lands.
 */
export async function startHoldingUpstream(o: {
  target: string;
  passFirst: number;
  onHeld?: (held: number) => void;
}): Promise<HoldingUpstream> {
  const target = new URL(o.target);
  let passed = 0;
  let held = 0;
  const server = http.createServer((req, res) => {
    if (passed >= o.passFirst) {
      held++;
      req.resume();
      o.onHeld?.(held);
      return;
    }
    passed++;
    // The Host the gateway signed must reach the verifying front unchanged.
    const headers = { ...forwardHeaders(req.headers), host: req.headers.host };
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, forwardHeaders(up.headers));
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
