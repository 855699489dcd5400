/**
 * Proxy mode's front door (DESIGN.md section 2): `CONNECT` and absolute-URI requests on the
 * gateway's port. AWS hosts are intercepted and each request runs the same pipeline as endpoint
 * mode; every other host is tunnelled (or forwarded) untouched, or refused when tunnels are off.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { onClientError } from '../server/client-error';
import type { Logger } from '../server/logger';
import { intercept, interceptedTargets, requestArrived } from './intercept';
import type { LeafCertificates } from './leaf-certs';
import type { ParentProxy } from './parent-proxy';
import { forwardPlainHttp, parseAbsoluteUri } from './plain-http';
import { ProxyError, writeProxyError } from './proxy-error';
import { authorityOf, isAwsHost, parseAuthority, type ProxyTarget } from './proxy-target';
import { tunnel } from './tunnel';
import { dropIdleConnection, IDLE_TIMEOUT_MS } from '../upstream/awaiting-aws';

export interface ProxyTimeouts {
  /** TLS handshake of an intercepted CONNECT. */
  readonly handshakeMs: number;
  /** From the end of the handshake to the first complete request head. */
  readonly firstRequestMs: number;
  /** Opening a tunnel or a plain-HTTP connection to a non-AWS host. */
  readonly connectMs: number;
  /** A connection silent this long is dropped, unless its call is out at AWS (both ports). */
  readonly idleMs: number;
}

export const DEFAULT_PROXY_TIMEOUTS: ProxyTimeouts = {
  handshakeMs: 10_000,
  firstRequestMs: 30_000,
  connectMs: 10_000,
  idleMs: IDLE_TIMEOUT_MS,
};

export interface ProxyFrontOptions {
  readonly leaves: LeafCertificates;
  readonly parent?: ParentProxy;
  /** Tunnel (and forward plain HTTP for) non-AWS hosts; false refuses them with 403. */
  readonly tunnels: boolean;
  readonly timeouts: ProxyTimeouts;
  readonly log: Logger;
  /** The gateway's own address, so a request for it is never proxied back to it. */
  readonly self: () => { readonly host: string; readonly port: number };
  /** Runs one AWS call that arrived through the proxy; `realHost` is `host` or `host:port`. */
  readonly onAwsRequest: (req: IncomingMessage, res: ServerResponse, realHost: string) => void;
}

function hostHeaderMatches(req: IncomingMessage, t: ProxyTarget, defaultPort: number): boolean {
  const given = parseAuthority(req.headers.host ?? '', defaultPort);
  return given !== undefined && given.host === t.host && given.port === t.port;
}

export class ProxyFront {
  private readonly inner: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: ProxyFrontOptions) {
    const onDecrypted = (req: IncomingMessage, res: ServerResponse): void => this.onDecrypted(req, res);
    // Same limits as the endpoint port: the proxy is not a softer way in.
    this.inner = http.createServer(
      // requireHostHeader off: a request without Host gets an AWS-shaped refusal from the pipeline
      // (checkFraming), not Node's empty 400.
      { headersTimeout: 30_000, requestTimeout: 0, keepAliveTimeout: 5_000, requireHostHeader: false },
      onDecrypted,
    );
    this.inner.on('checkContinue', onDecrypted);
    this.inner.on('checkExpectation', onDecrypted);
    this.inner.on('clientError', onClientError);
    this.inner.setTimeout(opts.timeouts.idleMs, dropIdleConnection);
  }

  /** True for requests in absolute form (`GET http://host/...`): proxy requests, not endpoint calls. */
  static isProxyRequest(req: IncomingMessage): boolean {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(req.url ?? '');
  }

  /** The gateway server's `connect` event. */
  readonly onConnect = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const client = socket as Socket;
    client.setTimeout(0);
    client.setNoDelay(true);
    this.track(client);
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      writeProxyError(client, new ProxyError(400, 'BadConnectTarget', 'CONNECT needs host:port'));
      return;
    }
    if (isAwsHost(target.host)) {
      const tls = intercept(client, head, target, {
        leaves: this.opts.leaves,
        inner: this.inner,
        handshakeTimeoutMs: this.opts.timeouts.handshakeMs,
        firstRequestTimeoutMs: this.opts.timeouts.firstRequestMs,
        log: this.opts.log,
      });
      if (tls) this.track(tls);
      return;
    }
    if (!this.opts.tunnels) {
      writeProxyError(client, this.refusal(target));
      return;
    }
    tunnel(client, head, target, this.opts.parent, this.opts.timeouts.connectMs, this.opts.log).catch(
      (e: unknown) => {
        this.opts.log.log('error', 'tunnel failed', { error: String(e) });
        client.destroy();
      },
    );
  };

  /** An absolute-URI request on the gateway port (plain-HTTP proxying). */
  onProxyRequest(req: IncomingMessage, res: ServerResponse): void {
    const uri = parseAbsoluteUri(req.url ?? '');
    const fail = (e: ProxyError): void => {
      req.resume();
      res.writeHead(e.status, {
        'content-type': 'text/plain; charset=utf-8',
        'x-airlock-error': e.code,
        connection: 'close',
      });
      res.end(`Airlock proxy: ${e.message} (${e.code})\n`);
    };
    if (!uri) return fail(new ProxyError(400, 'BadProxyRequest', 'only http:// absolute URIs are proxied'));
    const self = this.opts.self();
    if (uri.target.port === self.port && (uri.target.host === self.host || uri.target.host === 'localhost'))
      return fail(
        new ProxyError(400, 'ProxyLoop', 'this is the gateway itself; send the request to it directly'),
      );
    if (isAwsHost(uri.target.host)) {
      if (!hostHeaderMatches(req, uri.target, 80))
        return fail(
          new ProxyError(421, 'HostMismatch', 'the Host header names another host than the request URI'),
        );
      // The pipeline verifies the signature over the origin-form path the client signed.
      req.url = uri.path;
      this.opts.onAwsRequest(
        req,
        res,
        uri.target.host + (uri.target.port === 80 ? '' : `:${uri.target.port}`),
      );
      return;
    }
    if (!this.opts.tunnels) return fail(this.refusal(uri.target));
    forwardPlainHttp(req, res, uri, this.opts.parent, this.opts.timeouts.connectMs);
  }

  /** Cuts every proxied connection (gateway shutdown). */
  close(): void {
    this.inner.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private onDecrypted(req: IncomingMessage, res: ServerResponse): void {
    requestArrived(req.socket);
    const target = interceptedTargets.get(req.socket);
    if (!target) {
      req.socket.destroy();
      return;
    }
    if (!hostHeaderMatches(req, target, 443)) {
      req.resume();
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(
        `Airlock proxy: this connection is for ${authorityOf(target, 443)}; the Host header names another host\n`,
      );
      return;
    }
    this.opts.onAwsRequest(req, res, authorityOf(target, 443));
  }

  private refusal(t: ProxyTarget): ProxyError {
    return new ProxyError(
      403,
      'TunnelRefused',
      `this gateway runs with --no-tunnel: only AWS hosts are reachable through it, not ${t.host}:${t.port}`,
    );
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }
}
