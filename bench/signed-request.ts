// A request signed once by the SDK's own signer, replayed by the load generator.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PreparedRequest } from './load';

export async function signed(
  port: number,
  creds: { accessKeyId: string; secretAccessKey: string },
  service: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<PreparedRequest> {
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: creds,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: service !== 's3',
  });
  const req = await signer.sign(
    new HttpRequest({
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path,
      headers: { host: `127.0.0.1:${port}`, ...headers },
      body,
    }),
  );
  return { port, method, path, headers: req.headers, body: body ?? Buffer.alloc(0) };
}
