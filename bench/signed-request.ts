// A request signed once by the SDK's own signer, replayed by the load generator.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type GatewayProcess, startTask } from '../test/support/gateway-process';
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

type Creds = { accessKeyId: string; secretAccessKey: string };

/** The gateway's "real" credentials in the bench: the stub accepts any signature. */
export const BENCH_REAL_CREDS: Creds = {
  accessKeyId: 'AKIABENCHBENCHBENCH0',
  secretAccessKey: 'b'.repeat(40),
};

/** The small call every gateway figure is taken with: a DynamoDB GetItem with a tiny answer. */
export const SMALL_CALL_HEADERS = {
  'x-amz-target': 'DynamoDB_20120810.GetItem',
  'content-type': 'application/x-amz-json-1.0',
};
export const SMALL_CALL_BODY = Buffer.from(
  JSON.stringify({ TableName: 'orders', Key: { id: { S: 'o-1' } } }),
);

/** The small call signed with `creds` for whatever listens on `port` (the gateway or the stub). */
export function signedSmallCall(port: number, creds: Creds): Promise<PreparedRequest> {
  return signed(port, creds, 'dynamodb', 'POST', '/', SMALL_CALL_HEADERS, SMALL_CALL_BODY);
}

/** A new task on `gw` and the small call signed with its key. */
export async function taskSmallCall(
  gw: GatewayProcess,
  taskName: string,
): Promise<{ creds: Creds; r: PreparedRequest }> {
  const task = await startTask(gw, ['--name', taskName]);
  const creds = {
    accessKeyId: task.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: task.env.AWS_SECRET_ACCESS_KEY!,
  };
  return { creds, r: await signedSmallCall(gw.port, creds) };
}
