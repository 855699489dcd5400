import type { IncomingMessage } from 'node:http';

export interface CappedRead {
  readonly chunks: Buffer[];
  readonly bytes: number;
  /** The body goes on past the cap; the stream is paused with the rest unread. */
  readonly overflow: boolean;
}

/**
 * Reads a response body up to `cap` bytes. On overflow it stops reading and leaves the stream
 * paused, so the caller can still either pass the rest through or drop it.
 */
export function readCapped(up: IncomingMessage, cap: number): Promise<CappedRead> {
  return new Promise<CappedRead>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const cleanup = (): void => {
      up.off('data', onData);
      up.off('end', onEnd);
      up.off('error', onError);
      up.off('aborted', onAborted);
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      bytes += c.length;
      if (bytes > cap) {
        up.pause();
        cleanup();
        resolve({ chunks, bytes, overflow: true });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ chunks, bytes, overflow: false });
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onAborted = (): void => onError(new Error('upstream response aborted'));
    up.on('data', onData);
    up.once('end', onEnd);
    up.once('error', onError);
    up.once('aborted', onAborted);
  });
}
