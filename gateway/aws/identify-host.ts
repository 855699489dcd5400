/**
 * Proxy mode: which service a real AWS host names. `mybucket.s3.us-east-1.amazonaws.com`,
 * `s3.dualstack.eu-west-1.amazonaws.com`, `streams.dynamodb.us-east-1.amazonaws.com`,
 * `123456789012.s3-control.us-east-1.amazonaws.com`, `iam.amazonaws.com`, `sqs-fips.us-east-1...`.
 */
import { isRegion } from './region';

export interface HostService {
  /** The model endpoint prefix the host names (`s3`, `streams.dynamodb`, `s3-control`). */
  readonly endpointPrefix: string;
  /** Labels left of the endpoint prefix: the bucket of a virtual-hosted S3 request, an account id, an API id. */
  readonly hostLabel?: string;
}

const SUFFIXES = ['.amazonaws.com.cn', '.amazonaws.com', '.api.aws'];
// Legacy S3 hosts carry the region in the service label (s3-us-west-2, s3-external-1); Transfer
// Acceleration hosts (`bucket.s3-accelerate[.dualstack].amazonaws.com`) serve any bucket's region.
const S3_DASH_REGION = /^s3-(?:external-\d|accelerate|[a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;

function normaliseLabel(label: string): string {
  if (S3_DASH_REGION.test(label)) return 's3';
  return label.endsWith('-fips') ? label.slice(0, -'-fips'.length) : label;
}

/**
 * The service a host belongs to, or undefined when it is not an AWS host or names no known
 * endpoint prefix. `known` says whether an endpoint prefix exists in the model.
 */
export function serviceFromHost(
  rawHost: string,
  known: (endpointPrefix: string) => boolean,
): HostService | undefined {
  if (rawHost.length > 1024) return undefined;
  let host = rawHost.trim().toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  const suffix = SUFFIXES.find((s) => host.endsWith(s));
  if (!suffix) return undefined;
  const labels = host.slice(0, -suffix.length).split('.');
  // Right to left the host reads: [host labels…] service [dualstack] [region].
  if (labels.length > 1 && isRegion(labels[labels.length - 1])) labels.pop();
  if (labels.length > 1 && labels[labels.length - 1] === 'dualstack') labels.pop();
  for (let i = 0; i < labels.length; i++) {
    const rest = labels.slice(i);
    const candidates = [rest.join('.'), rest.map(normaliseLabel).join('.')];
    // IoT data plane hosts are per account: `a1b2c3-ats.iot.<region>` is the `data-ats.iot` endpoint.
    if (rest.length === 2 && rest[1] === 'iot' && rest[0]?.endsWith('-ats')) candidates.push('data-ats.iot');
    // `fips.batch` style: a leading fips label before the service.
    if (rest[0] === 'fips' && rest.length > 1) candidates.push(rest.slice(1).map(normaliseLabel).join('.'));
    const hit = candidates.find(known);
    if (hit !== undefined) {
      const hostLabel = labels.slice(0, i).join('.');
      return hostLabel === '' ? { endpointPrefix: hit } : { endpointPrefix: hit, hostLabel };
    }
  }
  return undefined;
}
