import { connect, type Socket } from 'node:net';
import type { Logger } from '../server/logger';
import { connectThroughParent, type ParentProxy } from './parent-proxy';
import { ProxyError, writeProxyError } from './proxy-error';
import type { ProxyTarget } from './proxy-target';

function connectDirect(t: ProxyTarget, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: t.host, port: t.port, noDelay: true });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(
        new ProxyError(
          504,
          'TunnelConnectTimeout',
          `${t.host}:${t.port} did not accept a connection in time`,
        ),
      );
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      socket.destroy();
      const what =
        e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
          ? 'does not resolve'
          : `refused: ${e.code ?? e.message}`;
      reject(new ProxyError(502, 'TunnelConnectFailed', `${t.host}:${t.port} ${what}`));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** A TCP connection to the target: direct, or through the gateway's own parent proxy. */
export function openUpstreamSocket(
  t: ProxyTarget,
  parent: ParentProxy | undefined,
  timeoutMs: number,
): Promise<Socket> {
  const via = parent?.forTunnel(t);
  return via ? connectThroughParent(via, t, timeoutMs) : connectDirect(t, timeoutMs);
}

/**
 * A CONNECT the gateway does not intercept: bytes flow both ways untouched (the client's TLS
 * reaches the real server and sees its certificate, never ours).
 */
export async function tunnel(
  client: Socket,
  head: Buffer,
  t: ProxyTarget,
  parent: ParentProxy | undefined,
  connectTimeoutMs: number,
  log: Logger,
): Promise<void> {
  let clientGone = false;
  const onClientError = (): void => {
    clientGone = true;
  };
  client.on('error', onClientError);
  client.once('close', onClientError);
  let upstream: Socket;
  try {
    upstream = await openUpstreamSocket(t, parent, connectTimeoutMs);
  } catch (e) {
    const err = e instanceof ProxyError ? e : new ProxyError(502, 'TunnelConnectFailed', String(e));
    log.log('debug', 'tunnel refused', { target: `${t.host}:${t.port}`, code: err.code });
    writeProxyError(client, err);
    return;
  }
  if (clientGone || client.destroyed) {
    upstream.destroy();
    return;
  }
  upstream.on('error', () => client.destroy());
  client.off('close', onClientError);
  client.off('error', onClientError);
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
  // A clean close has already ended the client through the pipe; only an abrupt one cuts it.
  upstream.on('close', () => {
    if (!client.writableEnded) client.destroy();
  });
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) upstream.write(head);
  client.pipe(upstream);
  upstream.pipe(client);
}
