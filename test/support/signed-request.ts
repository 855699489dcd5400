import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SendOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly service: string;
  readonly region?: string;
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly signingDate?: Date;
  /** Change the request after signing (tamper tests). */
  readonly mutate?: (r: { path: string; headers: Record<string, string>; body?: string | Buffer }) => void;
  /** The connection pool to send on (default: Node's global agent). */
  readonly agent?: http.Agent;
}

export interface SentResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Signs a request like an SDK would and sends it raw, so tests control every byte. */
export async function sendSigned(o: SendOptions): Promise<SentResponse> {
  const url = new URL(o.endpoint);
  const signer = new SignatureV4({
    service: o.service,
    region: o.region ?? 'us-east-1',
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: o.service !== 's3',
  });
  const req = new HttpRequest({
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: { host: url.host, ...(o.headers ?? {}) },
    body: o.body,
  });
  const signed = await signer.sign(req, { signingDate: o.signingDate ?? new Date() });
  const out = { path: signed.path, headers: { ...signed.headers }, body: o.body };
  o.mutate?.(out);
  const qs = new URLSearchParams(o.query ?? {}).toString();
  return rawRequest(
    o.endpoint,
    signed.method,
    out.path + (qs ? `?${qs}` : ''),
    out.headers,
    out.body,
    o.agent,
  );
}

/** sendSigned, rejecting when the whole answer has not come within `boundMs`. */
export async function sendSignedWithin(o: SendOptions, boundMs: number): Promise<SentResponse> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    sendSigned(o),
    new Promise<SentResponse>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${boundMs} ms`)), boundMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function rawRequest(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  agent?: http.Agent,
): Promise<SentResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { hostname: url.hostname, port: url.port, method, path, headers, agent },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        // A transfer cut short never ends: without this the caller would wait forever.
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}
