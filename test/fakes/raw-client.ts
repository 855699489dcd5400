import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { request, type IncomingHttpHeaders } from 'node:http';

/**
 * A hand-built SigV4 request, signed with @smithy/signature-v4 (not aws4, so a self-test does not
 * grade aws4 with aws4). `wireBody` lets a test send a body other than the one it signed.
 */
export interface RawRequest {
  baseUrl: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  service: string;
  region?: string;
  method: string;
  /** Path as it goes on the wire (already percent-encoded). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Body whose hash is signed (unless x-amz-content-sha256 is given in headers). */
  body?: string | Buffer;
  /** What is actually sent; defaults to body. */
  wireBody?: string | Buffer;
  /** Headers added after signing (to prove the front notices them). */
  unsignedHeaders?: Record<string, string>;
  signingDate?: Date;
  /** Send `Expect: 100-continue` and hold the body until the server says go on. */
  expectContinue?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
  /** Whether the server answered 100 Continue (only meaningful with expectContinue). */
  continued: boolean;
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export async function signedRequest(r: RawRequest): Promise<RawResponse> {
  const url = new URL(r.baseUrl);
  const host = url.host;
  const signer = new SignatureV4({
    service: r.service,
    region: r.region ?? 'us-east-1',
    credentials: r.credentials,
    sha256: Sha256,
    uriEscapePath: r.service !== 's3',
  });
  const signed = await signer.sign(
    {
      method: r.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: r.path,
      query: r.query ?? {},
      headers: { host, ...(r.headers ?? {}) },
      body: r.body,
    },
    r.signingDate ? { signingDate: r.signingDate } : {},
  );
  const query = Object.entries(r.query ?? {})
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
    .join('&');
  const wire = r.wireBody ?? r.body;
  const headers: Record<string, string> = { ...signed.headers, ...(r.unsignedHeaders ?? {}) };
  if (r.expectContinue) headers['expect'] = '100-continue';
  if (wire !== undefined && headers['content-length'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(wire));
  }
  let continued = false;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path + (query ? `?${query}` : ''),
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // A refusal before 100-continue leaves our side of the request open; drop it.
          if (r.expectContinue && !continued) req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            bytes: Buffer.concat(chunks),
            continued,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (!r.expectContinue) {
      req.end(wire);
      return;
    }
    req.flushHeaders();
    req.on('continue', () => {
      continued = true;
      req.end(wire);
    });
  });
}
