import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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

/**
 * Holds the gateway's port while the gateway is not running, so that a terminal's AWS call is
 * answered at once with an error naming Airlock instead of hanging or being retried against a
 * closed port. It never forwards anything; it answers and closes.
 */
export class StandInServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens on 127.0.0.1:port; rejects when the port is taken (the caller decides what to say). */
  async open(port: number): Promise<void> {
    if (this.server) return;
    const server = createServer({ keepAlive: false }, answer);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('connect', (_req: IncomingMessage, socket: Socket) => {
      // Proxy mode: refuse the tunnel; the SDK reports the proxy's status line.
      socket.on('error', () => undefined);
      const body = `${STANDIN_MESSAGE}\n`;
      socket.end(
        `HTTP/1.1 503 ${STANDIN_CODE}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: ${RETRY_AFTER_S}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    });
    server.on('clientError', (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
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
