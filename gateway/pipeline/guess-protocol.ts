import type { AwsProtocol } from '../aws/types';
import { protocolOfSigningName } from '../aws/model';
import type { CallContext } from './call-context';

/**
 * The wire shape for errors raised before the operation is identified (bad key, bad signature):
 * from the signing name when the authorization parsed, else from tell-tale headers.
 */
export function guessProtocol(ctx: CallContext): AwsProtocol | 'unknown' {
  const h = ctx.req.headers;
  if (typeof h['x-amz-target'] === 'string') return 'json';
  const service = ctx.auth?.scope.service;
  if (service) {
    const p = protocolOfSigningName(service);
    if (p) return p;
  }
  if (h['x-amz-content-sha256'] !== undefined) return 'rest-xml';
  return 'unknown';
}
