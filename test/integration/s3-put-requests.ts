// S3 PutObjects signed by hand for approval tests: a signed body that can be sent again byte for
// byte, and unsigned uploads sent as an S3 SDK sends them.
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Signs for S3 as its SDKs do, with the task's key (a body without x-amz-content-sha256 is hashed). */
function s3Signer(env: Record<string, string>): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: env.AWS_REGION!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: true,
  });
}

/** A PutObject signed once with its body's digest, so the very same bytes can be sent again. */
export async function signedPut(
  env: Record<string, string>,
  key: string,
  body: string,
): Promise<{ path: string; headers: Record<string, string> }> {
  const url = new URL(env.AWS_ENDPOINT_URL!);
  const signer = s3Signer(env);
  const signed = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: `/uploads/${key}`,
      headers: {
        host: url.host,
        'content-type': 'text/plain',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    }),
  );
  return { path: signed.path, headers: { ...signed.headers } };
}

/**
 * An UNSIGNED-PAYLOAD PutObject sent like an S3 SDK over a raw socket; `chunked` sends it without
 * a Content-Length (Transfer-Encoding: chunked), so nothing declares its size.
 */
export async function unsignedPut(
  env: Record<string, string>,
  key: string,
  body: string,
  chunked: boolean,
): Promise<{ status: number }> {
  const url = new URL(env.AWS_ENDPOINT_URL!);
  const signer = s3Signer(env);
  const length: Record<string, string> = chunked
    ? { 'transfer-encoding': 'chunked' }
    : { 'content-length': String(Buffer.byteLength(body)) };
  const signed = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: `/uploads/${key}`,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...length },
    }),
  );
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, method: 'PUT', path: signed.path, headers: signed.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
