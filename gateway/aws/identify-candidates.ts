/**
 * Which service models a request may address: from the real host in proxy mode, else from the
 * signing name of the credential scope (endpoint mode).
 */
import { serviceFromHost } from './identify-host';
import type { AwsModel, ServiceModel } from './model';
import type { RequestView } from './types';

/**
 * Signing names that address another model's operations. S3 Object Lambda, S3 Express and S3 on
 * Outposts take S3 (and S3 Control) requests but are their own IAM services and must be re-signed
 * under their own name.
 */
const SIGNING_ALIASES: Readonly<Record<string, string>> = {
  's3-object-lambda': 's3',
  s3express: 's3',
  's3-outposts': 's3',
};

export interface Candidates {
  readonly services: readonly ServiceModel[];
  /** Bucket of a virtual-hosted S3 request (proxy mode). */
  readonly bucket?: string;
  /** Set when the request was signed for an alias: it is the signing name, IAM prefix and endpoint prefix. */
  readonly alias?: string;
}

export function findCandidates(model: AwsModel, view: RequestView): Candidates {
  if (view.host) {
    const hs = serviceFromHost(view.host, (p) => model.byEndpointPrefix.has(p));
    const services = hs ? model.byEndpointPrefix.get(hs.endpointPrefix) : undefined;
    if (hs && services && services.length > 0) {
      return hs.endpointPrefix === 's3' && hs.hostLabel !== undefined
        ? { services, bucket: hs.hostLabel }
        : { services };
    }
  }
  const name = view.signingName;
  // Signing names are case-sensitive (`IoTSecuredTunneling`); some clients sign with the endpoint prefix.
  const direct =
    model.bySigningName.get(name) ??
    model.bySigningName.get(name.toLowerCase()) ??
    model.byEndpointPrefix.get(name.toLowerCase());
  if (direct) return { services: direct };
  const aliased = Object.hasOwn(SIGNING_ALIASES, name) ? SIGNING_ALIASES[name] : undefined;
  const services = aliased !== undefined ? model.bySigningName.get(aliased) : undefined;
  return services ? { services, alias: name } : { services: [] };
}

const DNS_LABEL = /^[A-Za-z0-9-]{1,63}$/;

/** `{AccountId}.` with the request's AccountId; undefined when a value is missing or not DNS-safe. */
export function resolveHostPrefix(
  template: string,
  params: Readonly<Record<string, unknown>>,
): string | undefined {
  let ok = true;
  const out = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = Object.hasOwn(params, name) ? params[name] : undefined;
    if (typeof v !== 'string' || !DNS_LABEL.test(v)) {
      ok = false;
      return '';
    }
    return v;
  });
  return ok ? out : undefined;
}
