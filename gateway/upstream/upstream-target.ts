import type { Identified } from '../aws/types';

export interface UpstreamTarget {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port?: number;
  /** The Host header to send and sign (host[:port]). */
  readonly hostHeader: string;
  /** Path prefix of an --upstream URL (usually empty). */
  readonly basePath: string;
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

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Where a call goes: the fixed --upstream URL, or the real AWS endpoint of its service and region. */
export function resolveTarget(id: Identified, upstream: URL | undefined): UpstreamTarget {
  if (upstream) {
    const port = upstream.port ? Number(upstream.port) : undefined;
    return {
      protocol: upstream.protocol === 'https:' ? 'https:' : 'http:',
      hostname: upstream.hostname,
      port,
      hostHeader: upstream.host,
      basePath: upstream.pathname.replace(/\/+$/, ''),
    };
  }
  const region = id.region;
  const host =
    id.globalEndpoint ??
    (region.startsWith('cn-') || region.startsWith('us-gov-')
      ? undefined
      : GLOBAL_HOSTS[id.endpointPrefix]) ??
    `${id.endpointPrefix}.${region}.${dnsSuffix(region)}`;
  return { protocol: 'https:', hostname: host, hostHeader: host, basePath: '' };
}
