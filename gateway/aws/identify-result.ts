/** Building the Identified outcome, shared by the per-protocol identifiers. */
import { resolveHostPrefix } from './identify-candidates';
import type { ServiceModel } from './model';
import type { Params } from './params';
import type { AwsProtocol, Identified, RequestView } from './types';

/** What every outcome of one request shares: the view and, for aliased signing names, the alias. */
export interface Context {
  readonly view: RequestView;
  readonly alias?: string;
}

export function unknownService(view: RequestView): Identified {
  return {
    service: 'unknown',
    protocol: 'unknown',
    signingName: view.signingName,
    region: view.region,
    iamPrefix: view.signingName,
    endpointPrefix: view.signingName,
    params: {},
  };
}

/** The model's global endpoints are those of the `aws` partition; China, GovCloud and ISO regions have their own. */
function inAwsPartition(region: string): boolean {
  return !/^(?:cn|us-gov|us-iso[a-z]*|eu-isoe)-/.test(region);
}

/** `protocol` is the wire protocol of this request (SQS answers query calls in XML, JSON calls in JSON). */
export function identified(
  ctx: Context,
  svc: ServiceModel,
  protocol: AwsProtocol,
  operation: string | undefined,
  params: Params,
  hostPrefixTemplate?: string,
): Identified {
  const hostPrefix =
    hostPrefixTemplate !== undefined ? resolveHostPrefix(hostPrefixTemplate, params) : undefined;
  return {
    service: svc.id,
    serviceFullName: svc.fullName,
    protocol,
    ...(operation !== undefined ? { operation } : {}),
    signingName: ctx.alias ?? svc.signingName,
    region: ctx.view.region,
    iamPrefix: ctx.alias ?? svc.iamPrefix,
    endpointPrefix: ctx.alias ?? svc.endpointPrefix,
    ...(svc.globalEndpoint !== undefined && inAwsPartition(ctx.view.region)
      ? {
          globalEndpoint: svc.globalEndpoint,
          ...(svc.globalRegion !== undefined ? { globalRegion: svc.globalRegion } : {}),
        }
      : {}),
    apiVersion: svc.apiVersion,
    ...(hostPrefix !== undefined ? { hostPrefix } : {}),
    params,
  };
}
