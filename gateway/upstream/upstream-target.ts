import { serviceFromHost } from '../aws/identify-host';
import { awsModel } from '../aws/model';
import { dnsSuffix, inAwsPartition, isRegion, quoteRegion } from '../aws/region';
import type { Identified } from '../aws/types';
import { GatewayError } from '../errors/gateway-error';

export interface UpstreamTarget {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port?: number;
  /** The Host header to send and sign (host[:port]). */
  readonly hostHeader: string;
  /** Path prefix of an --upstream URL (usually empty). */
  readonly basePath: string;
  /**
   * Proxy mode with --upstream: the bucket of a virtual-hosted S3 request, which the fixed
   * upstream can only see path-style (`/bucket/key`).
   */
  readonly pathBucket?: string;
}

/** The region-less host of services with one global endpoint when the model has none. */
const GLOBAL_HOSTS: Record<string, string> = {
  iam: 'iam.amazonaws.com',
  route53: 'route53.amazonaws.com',
  cloudfront: 'cloudfront.amazonaws.com',
  organizations: 'organizations.us-east-1.amazonaws.com',
  shield: 'shield.us-east-1.amazonaws.com',
  waf: 'waf.amazonaws.com',
  globalaccelerator: 'globalaccelerator.us-west-2.amazonaws.com',
  importexport: 'importexport.amazonaws.com',
};

/** The bucket a virtual-hosted S3 host names (`uploads.s3.us-east-1.amazonaws.com`), if any. */
function virtualHostedBucket(id: Identified, realHost: string): string | undefined {
  const bucket = id.params.Bucket;
  if (id.service !== 's3' || typeof bucket !== 'string' || bucket === '') return undefined;
  const model = awsModel();
  const hs = serviceFromHost(realHost, (p) => model.byEndpointPrefix.has(p));
  return hs?.hostLabel === bucket ? bucket : undefined;
}

/**
 * Where a call goes: the fixed --upstream URL; in proxy mode the AWS host the client addressed
 * (`realHost`, already known to be an AWS host); else the real AWS endpoint of its service and
 * region.
 */
export function resolveTarget(id: Identified, upstream: URL | undefined, realHost?: string): UpstreamTarget {
  if (upstream) {
    const port = upstream.port ? Number(upstream.port) : undefined;
    const pathBucket = realHost !== undefined ? virtualHostedBucket(id, realHost) : undefined;
    return {
      protocol: upstream.protocol === 'https:' ? 'https:' : 'http:',
      hostname: upstream.hostname,
      port,
      hostHeader: upstream.host,
      basePath: upstream.pathname.replace(/\/+$/, ''),
      ...(pathBucket !== undefined ? { pathBucket } : {}),
    };
  }
  if (realHost !== undefined) {
    const colon = realHost.lastIndexOf(':');
    const hasPort = colon > 0 && /^\d+$/.test(realHost.slice(colon + 1));
    return {
      protocol: 'https:',
      hostname: hasPort ? realHost.slice(0, colon) : realHost,
      port: hasPort ? Number(realHost.slice(colon + 1)) : undefined,
      hostHeader: realHost,
      basePath: '',
    };
  }
  const region = id.region;
  // The region goes into the host name: `x.s3` there would address someone's bucket.
  if (!isRegion(region))
    throw new GatewayError(
      'IncompleteSignature',
      `Credential should be scoped to a valid region, not ${quoteRegion(region)}.`,
    );
  const host =
    id.globalEndpoint ??
    (inAwsPartition(region) ? GLOBAL_HOSTS[id.endpointPrefix] : undefined) ??
    `${id.endpointPrefix}.${region}.${dnsSuffix(region)}`;
  return { protocol: 'https:', hostname: host, hostHeader: host, basePath: '' };
}

/** The path to send upstream for the agent's raw path. */
export function upstreamPath(target: UpstreamTarget, path: string): string {
  if (target.pathBucket === undefined) return target.basePath + path;
  // `/` on a bucket host is the bucket itself: path-style that is `/bucket`, not `/bucket/`.
  return `${target.basePath}/${target.pathBucket}${path === '/' ? '' : path}`;
}
