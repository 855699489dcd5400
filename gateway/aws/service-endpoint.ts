/**
 * Proxy mode: is the host a client addressed the identified service's own endpoint for the region
 * the call is signed for? The gateway re-signs with real credentials only then: a host that is
 * not (an API Gateway stage, a load balancer, someone's bucket standing in for another service)
 * would receive a request signed with the real key and answer with whatever it likes.
 */
import type { AwsModel } from './model';
import { serviceHosts, type ServiceHost } from './endpoint-rules';
import { dnsSuffix, inAwsPartition, isRegion, quoteRegion } from './region';
import type { Identified } from './types';

export interface ProxyCall {
  /** The host the client addressed (CONNECT target or absolute URI), `host` or `host:port`. */
  readonly realHost: string;
  /** Service and region of the agent's credential scope. */
  readonly scope: { readonly service: string; readonly region: string };
  readonly identified: Identified;
  /** `POST /path`, for messages. */
  readonly request: string;
}

export type EndpointVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'EndpointNotAllowed' | 'AccessDenied'; readonly message: string };

const ADVICE =
  'In proxy mode Airlock re-signs a call only for the identified service’s own endpoint in the region the call is ' +
  'signed for; point the client at that endpoint (or use AWS_ENDPOINT_URL, the gateway’s endpoint mode).';

/** Hosts the rules do not describe but AWS serves for the service (legacy and per-account forms). */
function legacyHosts(id: Identified, region: string): ServiceHost[] {
  const out: ServiceHost[] = [];
  if (id.globalEndpoint !== undefined)
    out.push({ host: id.globalEndpoint, signingRegion: id.globalRegion ?? 'us-east-1' });
  // AWS CLI v1 still addresses these by their certificates' legacy names (its overridesslcommonname).
  if (id.endpointPrefix === 'sqs') {
    out.push({ host: `${region}.queue.${dnsSuffix(region)}`, signingRegion: region });
    if (region === 'us-east-1') out.push({ host: 'queue.amazonaws.com', signingRegion: region });
  }
  if (id.endpointPrefix === 'elasticmapreduce')
    out.push({ host: `${region}.elasticmapreduce.${dnsSuffix(region)}`, signingRegion: region });
  if (id.endpointPrefix === 'rds' && region === 'us-east-1')
    out.push({ host: 'rds.amazonaws.com', signingRegion: region });
  if (id.endpointPrefix === 's3' && inAwsPartition(region)) {
    // Pre-2019 regional S3 hosts carried the region in the service label.
    out.push({ host: `s3-${region}.amazonaws.com`, signingRegion: region });
    if (region === 'us-east-1') out.push({ host: 's3-external-1.amazonaws.com', signingRegion: region });
  }
  return out;
}

/** Hosts only a bucket can be addressed on (S3 Transfer Acceleration), signed for the bucket's region. */
function bucketOnlyHosts(id: Identified, region: string): string[] {
  return id.endpointPrefix === 's3' && inAwsPartition(region)
    ? ['s3-accelerate.amazonaws.com', 's3-accelerate.dualstack.amazonaws.com']
    : [];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Per-account hosts of AWS's own fleets whose first label names the account, not a customer server. */
function accountHost(id: Identified, host: string, region: string): boolean {
  const tail = `${escapeRe(region)}\\.${escapeRe(dnsSuffix(region))}$`;
  // DynamoDB account-based endpoints, used by current SDKs when credentials carry an account id.
  if (id.endpointPrefix === 'dynamodb') return new RegExp(`^\\d{12}\\.ddb\\.${tail}`).test(host);
  // IoT data plane: the account's own ATS endpoint.
  if (id.endpointPrefix === 'data-ats.iot')
    return new RegExp(`^[a-z0-9]{1,40}-ats\\.iot\\.${tail}`).test(host);
  return false;
}

/** The host addressed is one the identified call may be re-signed for. */
function hostMatches(model: AwsModel, id: Identified, host: string, region: string): boolean {
  const bases = [...serviceHosts(model.endpointRules, id.endpointPrefix, region), ...legacyHosts(id, region)]
    .filter((h) => h.signingRegion === region)
    .map((h) => h.host);
  if (bases.includes(host)) return true;
  if (id.hostPrefix !== undefined && bases.some((b) => host === `${id.hostPrefix}${b}`)) return true;
  const bucket = id.params.Bucket;
  if (id.service === 's3' && typeof bucket === 'string' && bucket !== '') {
    // Virtual-hosted style: the bucket label is exactly the bucket the call was identified for.
    if ([...bases, ...bucketOnlyHosts(id, region)].some((b) => host === `${bucket}.${b}`)) return true;
  }
  return accountHost(id, host, region);
}

/** Where the identified service would be reached, for the message. */
function expectedHost(model: AwsModel, id: Identified, region: string): string | undefined {
  return [...serviceHosts(model.endpointRules, id.endpointPrefix, region), ...legacyHosts(id, region)].find(
    (h) => h.signingRegion === region,
  )?.host;
}

export function checkServiceEndpoint(model: AwsModel, call: ProxyCall): EndpointVerdict {
  const id = call.identified;
  const region = call.scope.region;
  const raw = call.realHost.toLowerCase();
  const colon = raw.lastIndexOf(':');
  const refuse = (message: string): EndpointVerdict => ({
    ok: false,
    code: 'EndpointNotAllowed',
    message: `Airlock refused this call to ${raw}: ${message} ${ADVICE}`,
  });
  // AWS endpoints answer on 443 (and 80 for plain HTTP) only; any other port is someone else's server.
  if (colon >= 0)
    return refuse(`AWS endpoints listen on the default HTTPS port, not ${raw.slice(colon + 1)}.`);
  const host = raw.replace(/\.$/, '');
  if (!isRegion(region)) return refuse(`the credential scope names the region ${quoteRegion(region)}.`);
  if (id.service === 'unknown')
    return refuse(`no AWS service Airlock knows is signed for as "${call.scope.service}" on this host.`);
  if (call.scope.service.toLowerCase() !== id.signingName.toLowerCase())
    return refuse(
      `the call is signed for the service "${call.scope.service}", but this host serves ` +
        `${id.serviceFullName ?? id.service} (signed as "${id.signingName}").`,
    );
  if (!hostMatches(model, id, host, region)) {
    const expected = expectedHost(model, id, region);
    return refuse(
      `it is not an endpoint of ${id.serviceFullName ?? id.service} for ${region}, the region the call is signed for` +
        `${expected !== undefined ? ` (that would be ${expected})` : ''}.`,
    );
  }
  if (id.operation === undefined)
    return {
      ok: false,
      code: 'AccessDenied',
      message:
        `Airlock refused this call: it cannot identify which ${id.serviceFullName ?? id.service} operation ` +
        `${call.request} on ${host} is, and in proxy mode it re-signs and forwards only calls it identifies. ` +
        'Use a current AWS SDK or CLI operation for this service.',
    };
  return { ok: true };
}
