import net from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface WireKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * The head (request line and headers, no blank line) of a request signed like an SDK signs it,
 * for tests that then put bytes on the wire no HTTP client would send after it.
 */
export async function signedHead(o: {
  readonly port: number;
  readonly key: WireKey;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The Host signed and sent (proxy mode: the AWS host); default the gateway's address. */
  readonly host?: string;
}): Promise<string> {
  const signer = new SignatureV4({
    service: o.service,
    region: 'us-east-1',
    credentials: o.key,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: o.service !== 's3',
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: o.method,
      protocol: 'http:',
      hostname: o.host ?? '127.0.0.1',
      path: o.path,
      headers: { host: o.host ?? `127.0.0.1:${o.port}`, ...(o.headers ?? {}) },
      body: o.body,
    }),
  );
  const lines = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`);
  return `${o.method} ${o.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n`;
}

/**
 * Writes `bytes` on a fresh connection and resolves with everything answered until the gateway
 * closes it or `waitMs` passes (then `timedOut`).
 */
export function rawExchange(
  port: number,
  bytes: string | Buffer,
  waitMs = 10_000,
): Promise<{ text: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let text = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      sock.destroy();
    }, waitMs);
    sock.on('data', (d: Buffer) => (text += d.toString('latin1')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ text, timedOut });
    });
    sock.write(bytes);
  });
}

/** One chunk of a chunked body, and the last-chunk that ends it. */
export function chunked(data: string): string {
  return `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n0\r\n\r\n`;
}
