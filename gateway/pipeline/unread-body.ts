import type { CallContext } from './call-context';

/** How long, and how much of, a refused request's body is read and thrown away before the connection is cut. */
export const LINGER_MS = 5_000;
export const LINGER_BYTES = 32 * 1024 * 1024;

/**
 * Headers for an answer sent before the request body was read, and what happens to that body.
 *
 * A client that sent `Expect: 100-continue` has not sent its body, and one announcing a huge body
 * should not be read for nothing: their connection is closed, so the unread body can never frame
 * a next request. Any other client is sending its body right now: closing at once would leave
 * those bytes unread, the kernel would answer them with a reset, and a reset can destroy our
 * answer before the client reads it (clients that write the whole body before reading, like
 * botocore, would see a broken pipe instead of the AWS error). So the rest is read and discarded,
 * never buffered, up to LINGER_BYTES and LINGER_MS; then the connection is cut.
 */
export function unreadBodyHeaders(ctx: CallContext): Record<string, string> {
  const req = ctx.req;
  if (req.complete) return {};
  const length = req.headers['content-length'];
  const declared = length === undefined ? undefined : Number(length);
  if (ctx.expectContinue || (declared !== undefined && !(declared <= LINGER_BYTES)))
    return { connection: 'close' };
  let drained = 0;
  const cut = (): void => {
    if (!req.complete) req.socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  const onData = (c: Buffer): void => {
    drained += c.length;
    if (drained > LINGER_BYTES) cut();
  };
  const stop = (): void => {
    clearTimeout(timer);
    req.off('data', onData);
  };
  req.on('data', onData);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
  return {};
}
