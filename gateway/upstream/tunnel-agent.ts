import https, { type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { connectThroughParent } from '../proxy/parent-proxy';
import { UPSTREAM_AGENT_OPTIONS } from './upstream-agent-options';

/** How long the parent proxy may take to open a tunnel to AWS. */
const TUNNEL_CONNECT_TIMEOUT_MS = 15_000;

/**
 * An https agent whose connections go through the gateway's own corporate proxy (CONNECT), with
 * TLS end to end to the AWS host. Sockets are kept alive and reused like the direct agent's.
 */
export class TunnelAgent extends https.Agent {
  constructor(private readonly proxy: URL) {
    super(UPSTREAM_AGENT_OPTIONS);
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    connectThroughParent(this.proxy, { host, port }, TUNNEL_CONNECT_TIMEOUT_MS).then(
      (socket) => {
        const tls = tlsConnect({
          socket,
          servername: options.servername ?? host,
          ca: options.ca,
          rejectUnauthorized: options.rejectUnauthorized ?? true,
          ALPNProtocols: ['http/1.1'],
        });
        let settled = false;
        tls.once('secureConnect', () => {
          settled = true;
          callback?.(null, tls);
        });
        // After the handshake the request owns the socket and its errors.
        tls.once('error', (e: Error) => {
          if (settled) return;
          settled = true;
          callback?.(e, tls);
        });
      },
      // The agent looks only at the error when there is one; no stream exists to hand over.
      (e: unknown) =>
        callback?.(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Duplex),
    );
    return undefined;
  }
}
