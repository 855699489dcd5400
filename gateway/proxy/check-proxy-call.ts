/**
 * The proxy-mode gate between identify and decide: a call that arrived for an AWS host is
 * re-signed with the real key only when that host is the identified service's own endpoint for
 * the signed region and the operation is identified. Everything else is refused here, before any
 * policy or human is asked about it.
 */
import { awsModel } from '../aws/model';
import { checkServiceEndpoint } from '../aws/service-endpoint';
import { GatewayError } from '../errors/gateway-error';
import type { CallContext } from '../pipeline/call-context';
import { splitUrl } from '../pipeline/request-view';

function shown(path: string): string {
  const p = path.length > 120 ? `${path.slice(0, 120)}…` : path;
  return p.replace(/[^\x21-\x7e]/g, '?');
}

export function checkProxyCall(ctx: CallContext): void {
  if (ctx.arrival !== 'proxy' || ctx.realHost === undefined) return;
  const id = ctx.identified;
  const auth = ctx.auth;
  if (!id || !auth) throw new GatewayError('InternalFailure', 'proxy check before identify');
  const verdict = checkServiceEndpoint(awsModel(), {
    realHost: ctx.realHost,
    scope: { service: auth.scope.service, region: auth.scope.region },
    identified: id,
    request: `${shown(ctx.raw.method)} ${shown(splitUrl(ctx.raw.rawUrl).path)}`,
  });
  if (verdict.ok) return;
  if (verdict.code === 'EndpointNotAllowed') {
    // What the host was taken for is no identification of the call: the refusal goes back in the
    // wire shape of the service the client signed for, which is what its SDK parses.
    ctx.identified = undefined;
    ctx.mapping = undefined;
  }
  throw new GatewayError(verdict.code, verdict.message);
}
