import type { Duplex } from 'node:stream';

/** Malformed HTTP never reaches a handler: answer it plainly and drop the connection. */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${tooLarge ? 'RequestHeaderSectionTooLarge' : 'MalformedRequest'}</Code><Message>${tooLarge ? 'Your request header section exceeds the maximum allowed size.' : 'Airlock could not parse this HTTP request.'}</Message></Error>`;
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
