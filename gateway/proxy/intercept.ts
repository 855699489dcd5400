import type http from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from '../server/logger';
import type { LeafCertificates } from './leaf-certs';
import type { ProxyTarget } from './proxy-target';

export interface InterceptOptions {
  readonly leaves: LeafCertificates;
  /** Parses HTTP/1.1 on the decrypted stream and hands each request to the pipeline. */
  readonly inner: http.Server;
  /** A client that has not finished its TLS handshake by then is dropped. */
  readonly handshakeTimeoutMs: number;
  /** A client that sends no request this long after its handshake is dropped. */
  readonly firstRequestTimeoutMs: number;
  readonly log: Logger;
}

/** Which intercepted host a decrypted connection belongs to. */
export const interceptedTargets = new WeakMap<Socket, ProxyTarget>();
const firstRequestTimers = new WeakMap<Socket, NodeJS.Timeout>();

/** The connection has delivered a request: it is no longer idle after CONNECT. */
export function requestArrived(socket: Socket): void {
  const timer = firstRequestTimers.get(socket);
  if (timer) clearTimeout(timer);
  firstRequestTimers.delete(socket);
}

/**
 * Terminates the client's TLS for an AWS host with a leaf certificate for exactly that host,
 * then lets the inner HTTP server read requests from the decrypted stream, so keep-alive,
 * pipelining and `Expect: 100-continue` behave as on the endpoint port.
 */
export function intercept(
  client: Socket,
  head: Buffer,
  target: ProxyTarget,
  opts: InterceptOptions,
): TLSSocket | undefined {
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) client.unshift(head);
  let tlsSocket: TLSSocket;
  try {
    tlsSocket = new TLSSocket(client, {
      isServer: true,
      secureContext: opts.leaves.secureContext(target.host),
      ALPNProtocols: ['http/1.1'],
    });
  } catch (e) {
    opts.log.log('error', 'could not start TLS for an intercepted host', {
      host: target.host,
      error: String(e),
    });
    client.destroy();
    return undefined;
  }
  const handshakeTimer = setTimeout(() => {
    opts.log.log('debug', 'TLS handshake timed out', { host: target.host });
    tlsSocket.destroy();
  }, opts.handshakeTimeoutMs);
  handshakeTimer.unref();
  const beforeHandshake = (e: Error): void => {
    // A client that does not trust our CA aborts here: that is the safe outcome, not a fault.
    opts.log.log('debug', 'TLS handshake failed', { host: target.host, error: e.message });
    tlsSocket.destroy();
  };
  tlsSocket.on('error', beforeHandshake);
  tlsSocket.once('close', () => {
    clearTimeout(handshakeTimer);
    requestArrived(tlsSocket);
    client.destroy();
  });
  tlsSocket.once('secure', () => {
    clearTimeout(handshakeTimer);
    tlsSocket.off('error', beforeHandshake);
    interceptedTargets.set(tlsSocket, target);
    const idle = setTimeout(() => {
      opts.log.log('debug', 'no request after CONNECT', { host: target.host });
      tlsSocket.destroy();
    }, opts.firstRequestTimeoutMs);
    idle.unref();
    firstRequestTimers.set(tlsSocket, idle);
    opts.inner.emit('connection', tlsSocket);
  });
  return tlsSocket;
}
