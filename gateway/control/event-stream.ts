import type { Request, Response } from 'express';
import type { EventBus } from '../approvals/event-bus';

/** A comment line often enough that proxies and idle timers never see a silent stream. */
const KEEP_ALIVE_MS = 15_000;
/** A client this far behind is dropped; it re-lists what it missed when it reconnects. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * `GET /events`: server-sent events, one GatewayEvent as JSON per `data:` line. Nothing is
 * replayed: a client lists pending approvals after it connects. The stream ends when the client
 * goes away or the gateway stops.
 */
export function eventStream(bus: EventBus) {
  return (req: Request, res: Response): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': airlock events\n\n');
    // The server drops idle sockets; this one is meant to stay open and is kept busy below.
    req.socket.setTimeout(0);
    let done = false;
    const cleanup = (): void => {
      if (done) return;
      done = true;
      clearInterval(keepAlive);
      unsubscribe();
    };
    const write = (chunk: string): void => {
      if (done) return;
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        cleanup();
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = bus.subscribe(
      (event) => write(`data: ${JSON.stringify(event)}\n\n`),
      () => {
        cleanup();
        res.end();
      },
    );
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    res.on('close', cleanup);
  };
}
