import type { ArnScope, Params } from './iam-arn';
import { resourceCatalogue } from './iam-resources';

/** EC2 ARNs from the reference's formats: by type, by id prefix, and `type/*` for new ones. */

/** Ids whose prefix tells the resource type (CreateTags and DeleteTags mix them). */
const ID_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['i-', 'instance'],
  ['sg-', 'security-group'],
  ['vol-', 'volume'],
  ['snap-', 'snapshot'],
  ['subnet-', 'subnet'],
  ['vpc-', 'vpc'],
  ['eni-', 'network-interface'],
  ['ami-', 'image'],
  ['igw-', 'internet-gateway'],
  ['rtb-', 'route-table'],
  ['acl-', 'network-acl'],
  ['nat-', 'natgateway'],
  ['lt-', 'launch-template'],
  ['eipalloc-', 'elastic-ip'],
  ['dopt-', 'dhcp-options'],
  ['pcx-', 'vpc-peering-connection'],
  ['vpce-', 'vpc-endpoint'],
  ['tgw-attach-', 'transit-gateway-attachment'],
  ['tgw-rtb-', 'transit-gateway-route-table'],
  ['tgw-', 'transit-gateway'],
  ['vgw-', 'vpn-gateway'],
  ['pl-', 'prefix-list'],
];

/**
 * The ARN of an EC2 resource of `type` from the reference's format. An id that is not a plain
 * token (a path, a wildcard, an ARN) is no id EC2 would accept as such: it becomes `*`, so only
 * a scope granting every resource allows the call.
 */
export function ec2TypeArn(s: ArnScope, type: string, id: string): string | undefined {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) return '*';
  return typeWide(s, type, id);
}

/** `type/*`: a resource of the type that AWS picks or creates (`instance/*` for RunInstances). */
export function fresh(s: ArnScope, type: string): string | undefined {
  return typeWide(s, type, '*');
}

function typeWide(s: ArnScope, type: string, id: string): string | undefined {
  const t = resourceCatalogue().resourceType('ec2', type);
  if (t === undefined || t.template.variables.length !== 1) return undefined;
  return t.template.fill(s, { [t.template.variables[0] ?? '']: id });
}

export function ec2Arn(s: ArnScope, id: string): string | undefined {
  for (const [prefix, type] of ID_TYPES) if (id.startsWith(prefix)) return ec2TypeArn(s, type, id);
  return undefined;
}

/** Values of flattened keys matching `re` (`NetworkInterface.1.SubnetId`). */
export function nested(p: Params, re: RegExp): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(p)) if (re.test(k) && typeof v === 'string' && v !== '') out.push(v);
  return out;
}

export function arns(s: ArnScope, type: string, ids: readonly string[], unknown: boolean): string[] {
  const out = ids.map((id) => ec2TypeArn(s, type, id)).filter((a): a is string => a !== undefined);
  // Nothing named (or a name where IAM wants an id): AWS picks or creates one.
  const any = unknown || out.length === 0 ? fresh(s, type) : undefined;
  if (any !== undefined) out.push(any);
  return out;
}

/** Ids of several possible types, placed by prefix; one that cannot be placed counts as `*`. */
export function byPrefix(s: ArnScope, ids: readonly string[]): string[] {
  return ids.map((id) => ec2Arn(s, id) ?? '*');
}
