import type { Duplex } from 'node:stream';

/** A failure of the proxy front itself (not of an AWS call), answered as plain HTTP. */
export class ProxyError extends Error {
  constructor(
    readonly status: 400 | 403 | 421 | 431 | 502 | 504,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

const REASONS: Record<ProxyError['status'], string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  421: 'Misdirected Request',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** Answers on a raw socket (CONNECT has no ServerResponse) and closes it. */
export function writeProxyError(socket: Duplex, e: ProxyError): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `Airlock proxy: ${e.message} (${e.code})\n`;
  socket.end(
    `HTTP/1.1 ${e.status} ${REASONS[e.status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Airlock-Error: ${e.code}\r\nConnection: close\r\n\r\n${body}`,
  );
}
