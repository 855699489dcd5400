// Loopback helpers shared by the unit and integration tests: a free port, and a raw CONNECT.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A free port: listen on 0, note it, let it go. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/**
 * Sends `CONNECT authority` to 127.0.0.1:port and resolves with the status, the raw head and the
 * socket, paused right after the head. Rejects when the peer closes or stays silent
 * before answering (10 s: a proxy may resolve the host first).
 */
export function rawConnect(
  port: number,
  authority: string,
): Promise<{ status: number; head: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      socket.pause();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)?.[1] ?? 0), head: buf, socket });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed without an answer: ${buf}`)));
    socket.setTimeout(10_000, () => reject(new Error('the CONNECT was not answered within 10 s')));
    socket.once('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`));
  });
}
