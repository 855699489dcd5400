import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { parseAuthority } from '../../gateway/proxy/proxy-target';
import { loadStandInTls, type StandInTls } from './standin-tls';

/** The error code an agent sees while the gateway is down. */
export const STANDIN_CODE = 'AirlockGatewayDown';

export const STANDIN_MESSAGE =
  "The Airlock gateway is not running (it is restarting or it stopped: see 'Airlock: Show Gateway Log'); " +
  "the call was not sent to AWS. Retry in a moment or run 'Airlock: Restart Gateway'.";

/**
 * A status the AWS SDKs do not retry. With 503 AWS CLI v1 retries four times with back-off
 * (measured: ~1.5 s instead of ~0.4 s per call, issue 15); the agent should read the message at
 * once, not wait for a gateway that may take 30 s to come back.
 */
const STATUS = 400;
const RETRY_AFTER_S = '2';
/** A tunnel that has not finished its request this long after CONNECT is dropped. */
const TUNNEL_IDLE_MS = 30_000;

export interface StandInOptions {
  /**
   * The gateway's data dir: with the stand-in certificate the gateway left there, proxy-mode
   * calls (CONNECT to an AWS host) are answered inside TLS with the same AWS-shaped error.
   */
  readonly dataDir?: string;
}

/**
 * Holds the gateway's port while the gateway is not running, so that a terminal's AWS call is
 * answered at once with an error naming Airlock instead of hanging or being retried against a
 * closed port. It never forwards anything; it answers and closes.
 */
export class StandInServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Parses the requests that arrive inside TLS tunnels; it never listens. */
  private readonly tunnelled = createServer({ keepAlive: false }, answer);
  private tunnelCount = 0;

  constructor() {
    this.tunnelled.on('clientError', (_e, socket) => socket.destroy());
  }

  /** How many CONNECTs were answered inside TLS since construction (a client retrying shows here). */
  get tunnels(): number {
    return this.tunnelCount;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * Listens on 127.0.0.1:port; rejects when the port is taken (the caller decides what to say).
   * The stand-in certificate is read now (the gateway renews it at each start, before which the
   * stand-in is closed), while the port is already taken: the port is bound in the same tick the
   * caller opens it, so no call finds it closed between the gateway's exit and the stand-in.
   */
  async open(port: number, opts: StandInOptions = {}): Promise<void> {
    if (this.server) return;
    const tls = opts.dataDir === undefined ? Promise.resolve(undefined) : loadStandInTls(opts.dataDir);
    const server = createServer({ keepAlive: false }, answer);
    server.on('connection', (socket: Socket) => this.track(socket));
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', () => undefined);
      void tls.then((t) => this.onConnect(req, socket, head, t));
    });
    server.on('clientError', (_e, socket) => socket.destroy());
    const listening = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    await Promise.all([listening, tls]);
    this.server = server;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /**
   * Proxy mode. For an AWS host the stand-in certificate names, the tunnel is accepted and the
   * call inside it gets the same AWS-shaped error as endpoint mode, which SDKs show as is and do
   * not retry. Anything else is refused: a refused CONNECT is a connection error that SDKs retry
   * whatever its status (measured with AWS CLI v1 and v2: 400, 403, 407, 501, 502, 503 alike).
   */
  private onConnect(req: IncomingMessage, socket: Socket, head: Buffer, tls: StandInTls | undefined): void {
    if (socket.destroyed) return;
    const target = parseAuthority(req.url ?? '', 443);
    if (!tls || !target || !tls.covers(target.host)) {
      const body = `${STANDIN_MESSAGE}\n`;
      socket.end(
        `HTTP/1.1 503 ${STANDIN_CODE}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: ${RETRY_AFTER_S}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.tunnelCount++;
    socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
    // Bytes the client sent right behind the CONNECT (its ClientHello) belong to the tunnel.
    if (head.length > 0) socket.unshift(head);
    const secure = new TLSSocket(socket, {
      isServer: true,
      secureContext: tls.context,
      ALPNProtocols: ['http/1.1'],
    });
    secure.on('error', () => secure.destroy());
    secure.setTimeout(TUNNEL_IDLE_MS, () => secure.destroy());
    this.track(secure);
    this.tunnelled.emit('connection', secure);
  }

  /** Resolves when the port is free again. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  // Answer before the body arrives; the body is drained, never read.
  req.resume();
  const json = wantsJson(req);
  const body = json
    ? JSON.stringify({ __type: STANDIN_CODE, message: STANDIN_MESSAGE })
    : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Receiver</Type><Code>${STANDIN_CODE}</Code>` +
      `<Message>${STANDIN_MESSAGE.replace(/'/g, '&apos;')}</Message></Error>` +
      `<RequestId>airlock-gateway-down</RequestId></ErrorResponse>\n`;
  res.writeHead(STATUS, {
    'Content-Type': json ? 'application/x-amz-json-1.1' : 'text/xml',
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': RETRY_AFTER_S,
    'x-amzn-ErrorType': STANDIN_CODE,
    'x-amzn-RequestId': 'airlock-gateway-down',
    Connection: 'close',
  });
  res.end(body);
}

/** Services whose SDK protocol is XML (query or rest-xml) although the request does not say so. */
const XML_SERVICES = new Set(['s3', 's3control', 'route53', 'cloudfront']);

/**
 * Whether the SDK reads a JSON error (JSON and rest-json protocols) or an XML one (query, ec2,
 * rest-xml). Query-protocol calls are form-encoded POSTs; a rest-json GET (Lambda ListFunctions)
 * says nothing, so the signing service in the credential scope decides.
 */
function wantsJson(req: IncomingMessage): boolean {
  if (req.headers['x-amz-target']) return true;
  const type = req.headers['content-type'] ?? '';
  if (/json/i.test(type)) return true;
  if (/x-www-form-urlencoded|xml/i.test(type)) return false;
  const service = signingService(req);
  return service !== undefined && !XML_SERVICES.has(service);
}

function signingService(req: IncomingMessage): string | undefined {
  const fromHeader = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  if (fromHeader) return fromHeader[1];
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('X-Amz-Credential');
  return query?.split('/')[3];
}
