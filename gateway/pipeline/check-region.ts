import { isRegion, quoteRegion } from '../aws/region';
import { GatewayError } from '../errors/gateway-error';
import type { CallContext } from './call-context';

/**
 * The credential scope's region becomes part of the host a call is forwarded to (endpoint mode)
 * and of the endpoint a proxied call is checked against: only a real region name goes on.
 */
export function checkScopeRegion(ctx: CallContext): void {
  const auth = ctx.auth;
  if (!auth || isRegion(auth.scope.region)) return;
  throw new GatewayError(
    auth.kind === 'presigned' ? 'AuthorizationQueryParametersError' : 'IncompleteSignature',
    `Credential should be scoped to a valid region, not ${quoteRegion(auth.scope.region)} (an AWS region name ` +
      'is like us-east-1: letters, dashes and a number). Sign with the region of the endpoint you call (AWS_REGION).',
  );
}
