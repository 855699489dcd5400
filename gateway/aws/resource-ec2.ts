import { need, type ArnScope, type Params, type ServiceMapper } from './iam-arn';
import { resourceCatalogue } from './iam-resources';
import { templateResources, values, type TemplateOptions } from './resource-template';
import type { IamRequirement } from './types';

/**
 * EC2: the Service Authorization Reference's formats filled from the query members, where EC2
 * names them differently (`GroupId` is a security group id, `KeyName` a key pair name); resources
 * a call creates as `type/*` (their ids exist only once AWS answers); RunInstances and
 * CreateSecurityGroup, which touch resources the request names only in nested members or not at
 * all (AWS picks the default subnet, security group, VPC); tags by id prefix.
 */

/** Member names EC2 gives a resource type's id, where they differ from the reference's variable. */
const ALIASES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // EC2's security-group APIs call the id GroupId (GroupId.N for the Groups lists).
  'security-group': { SecurityGroupId: ['GroupId', 'GroupIds', 'Groups', 'SecurityGroupIds'] },
  'key-pair': { KeyPairName: ['KeyName', 'KeyNames'] },
  // Only placement-group operations list this type; there GroupName is the placement group.
  'placement-group': { PlacementGroupName: ['GroupName'] },
  'network-acl': { NaclId: ['NetworkAclId'] },
  'vpc-endpoint-service': { VpcEndpointServiceId: ['ServiceId', 'ServiceIds'] },
  'dedicated-host': { DedicatedHostId: ['HostId', 'HostIds'] },
  'reserved-instances': {
    ReservationId: ['ReservedInstancesId', 'ReservedInstancesIds', 'ReservedInstanceIds'],
  },
  'coip-pool': { Ipv4PoolCoipId: ['CoipPoolId', 'PoolId'] },
  'ipv4pool-ec2': { Ipv4PoolEc2Id: ['PoolId'] },
  'ipv6pool-ec2': { Ipv6PoolEc2Id: ['PoolId'] },
  'vpc-flow-log': { VpcFlowLogId: ['FlowLogId', 'FlowLogIds'] },
  // MoveCapacityReservationInstances and CreateCapacityReservationBySplitting touch both.
  'ipam-scope': { IpamScopeId: ['CurrentIpamScopeId', 'DestinationIpamScopeId'] },
  'capacity-reservation': {
    CapacityReservationId: ['SourceCapacityReservationId', 'DestinationCapacityReservationId'],
  },
};

/**
 * Per operation: the Copy* calls name a source in another region (SourceRegion), so the source
 * member never fills an ARN of this region; fast snapshot restores act on the named snapshots.
 */
const OP_ALIASES: Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>>
> = {
  EnableFastSnapshotRestores: { snapshot: { SnapshotId: ['SourceSnapshotIds'] } },
  DisableFastSnapshotRestores: { snapshot: { SnapshotId: ['SourceSnapshotIds'] } },
};

const optionsByOp = new Map<string, TemplateOptions>();

/** One options object per operation, so the template rule's per-operation work is cached. */
function options(op: string): TemplateOptions {
  let o = optionsByOp.get(op);
  if (o === undefined) {
    o = {
      aliases: (type, variable) => [
        ...(ALIASES[type]?.[variable] ?? []),
        ...(OP_ALIASES[op]?.[type]?.[variable] ?? []),
      ],
    };
    optionsByOp.set(op, o);
  }
  return o;
}

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
function fresh(s: ArnScope, type: string): string | undefined {
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
function nested(p: Params, re: RegExp): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(p)) if (re.test(k) && typeof v === 'string' && v !== '') out.push(v);
  return out;
}

function arns(s: ArnScope, type: string, ids: readonly string[], unknown: boolean): string[] {
  const out = ids.map((id) => ec2TypeArn(s, type, id)).filter((a): a is string => a !== undefined);
  // Nothing named (or a name where IAM wants an id): AWS picks or creates one.
  const any = unknown || out.length === 0 ? fresh(s, type) : undefined;
  if (any !== undefined) out.push(any);
  return out;
}

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The resources an instance launch names, from members under `at` (`` for RunInstances,
 * `LaunchSpecification.` for RequestSpotInstances): the image, network interfaces, subnets and
 * security groups (named ones, else `type/*` for the defaults AWS picks or the interfaces it
 * creates), the snapshots of its block devices, the key pair and the placement group.
 */
function launchResources(s: ArnScope, p: Params, at: string): string[] {
  const key = (re: string): RegExp => new RegExp(`^${esc(at)}${re}$`);
  const interfaces = new Set(
    Object.keys(p).map((k) => key(String.raw`NetworkInterface\.(\d+)\..+`).exec(k)?.[1]),
  );
  interfaces.delete(undefined);
  const namedInterfaces = nested(p, key(String.raw`NetworkInterface\.\d+\.NetworkInterfaceId`));
  const groupNames = nested(p, key(String.raw`SecurityGroup\.\d+`));
  return [
    ...arns(s, 'image', nested(p, key('ImageId')), false),
    // An interface given without an id is created with the instance, as is the default one.
    ...arns(s, 'network-interface', namedInterfaces, namedInterfaces.length < Math.max(1, interfaces.size)),
    ...arns(
      s,
      'subnet',
      [...nested(p, key('SubnetId')), ...nested(p, key(String.raw`NetworkInterface\.\d+\.SubnetId`))],
      false,
    ),
    // Groups named by name (default VPC) have ids only AWS knows.
    ...arns(
      s,
      'security-group',
      [
        ...nested(p, key(String.raw`SecurityGroupId\.\d+`)),
        ...nested(p, key(String.raw`NetworkInterface\.\d+\.SecurityGroupId\.\d+`)),
      ],
      groupNames.length > 0,
    ),
    ...nested(p, key(String.raw`BlockDeviceMapping\.\d+\.Ebs\.SnapshotId`)).flatMap((id) =>
      arns(s, 'snapshot', [id], false),
    ),
    ...nested(p, key('KeyName')).flatMap((k) => arns(s, 'key-pair', [k], false)),
    ...nested(p, key(String.raw`Placement\.GroupName`)).flatMap((g) =>
      arns(s, 'placement-group', [g], false),
    ),
  ];
}

/** An instance profile passes a role only IAM knows: iam:PassRole on any role of the account. */
function passesProfileRole(s: ArnScope, p: Params, at: string): IamRequirement[] {
  const re = new RegExp(`^${esc(at)}IamInstanceProfile\\.(?:Name|Arn)$`);
  return nested(p, re).length > 0
    ? [need('iam:PassRole', `arn:${s.partition}:iam::${s.account}:role/*`)]
    : [];
}

/**
 * RunInstances is authorized on every resource the new instance touches: what the launch names
 * (launchResources), the new instance and volumes, the launch template and the capacity
 * reservation.
 */
function runInstances(s: ArnScope, p: Params): IamRequirement[] {
  const templateId = nested(p, /^LaunchTemplate\.LaunchTemplateId$/);
  const templateName = nested(p, /^LaunchTemplate\.LaunchTemplateName$/);
  const resources = [
    ...launchResources(s, p, ''),
    ...arns(s, 'instance', [], true),
    ...arns(s, 'volume', [], true),
    // A template named by name has an id only AWS knows.
    ...(templateId.length > 0 || templateName.length > 0
      ? arns(s, 'launch-template', templateId, templateName.length > 0)
      : []),
    ...nested(
      p,
      /^CapacityReservationSpecification\.CapacityReservationTarget\.CapacityReservationId$/,
    ).flatMap((c) => arns(s, 'capacity-reservation', [c], false)),
  ];
  return [need('ec2:RunInstances', ...new Set(resources)), ...passesProfileRole(s, p, '')];
}

/** A spot request names its instances' launch like RunInstances, and creates the request. */
function requestSpotInstances(s: ArnScope, p: Params): IamRequirement[] {
  const at = 'LaunchSpecification.';
  const resources = [...launchResources(s, p, at), ...arns(s, 'spot-instances-request', [], true)];
  return [need('ec2:RequestSpotInstances', ...new Set(resources)), ...passesProfileRole(s, p, at)];
}

/** Creating verbs whose new resource has an id only AWS knows until it answers. */
const CREATES = /^(?:Create|Allocate|Import|Copy|Register|Request|Purchase)(.+)$/;

/** The resource type an operation creates (`CreateSecurityGroup` → security-group). */
function createdType(op: string, types: readonly string[]): string | undefined {
  const noun = CREATES.exec(op)?.[1]?.toLowerCase();
  if (noun === undefined) return undefined;
  return types.find((t) => {
    const k = t.replace(/-/g, '');
    return k === noun || `${k}s` === noun;
  });
}

/** Ids of several possible types, placed by prefix; one that cannot be placed counts as `*`. */
function byPrefix(s: ArnScope, ids: readonly string[]): string[] {
  return ids.map((id) => ec2Arn(s, id) ?? '*');
}

/** Resources in members the reference's variable names do not cover (nested, or typed by prefix). */
function nestedResources(op: string, p: Params, s: ArnScope): string[] {
  switch (op) {
    case 'CreateFlowLogs':
      return byPrefix(s, values(p, 'ResourceId'));
    case 'CreateNetworkInsightsPath':
      return byPrefix(s, [...values(p, 'Source'), ...values(p, 'Destination')]);
    case 'CreateSnapshots':
      return arns(s, 'instance', nested(p, /^InstanceSpecification\.InstanceId$/), false);
    case 'ModifyInstanceCreditSpecification':
      return arns(s, 'instance', nested(p, /^InstanceCreditSpecification\.\d+\.InstanceId$/), false);
  }
  return [];
}

export const mapEc2: ServiceMapper = (op, p, s, service) => {
  if (op === 'RunInstances') return runInstances(s, p);
  if (op === 'RequestSpotInstances') return requestSpotInstances(s, p);
  // Tags mix resource types in one list; an id of no known prefix counts as `*`.
  if (op === 'CreateTags' || op === 'DeleteTags') {
    const ids = [...values(p, 'ResourceId'), ...values(p, 'Resources')];
    return [need(`ec2:${op}`, ...new Set(byPrefix(s, ids)))];
  }
  const resources = [
    ...templateResources({ service, iamPrefix: 'ec2', operation: op, action: op }, p, s, options(op)),
    ...nestedResources(op, p, s),
  ];
  const created = createdType(
    op,
    resourceCatalogue()
      .actionTypes('ec2', op)
      .map((t) => t.key),
  );
  const template =
    created === undefined ? undefined : resourceCatalogue().resourceType('ec2', created)?.template;
  if (created !== undefined && template !== undefined && !resources.some((r) => template.matches(r))) {
    const arn = fresh(s, created);
    if (arn !== undefined) resources.push(arn);
  }
  // CreateSecurityGroup without a VpcId lands in the default VPC, which only AWS knows.
  if (op === 'CreateSecurityGroup' && values(p, 'VpcId').length === 0) {
    const vpc = fresh(s, 'vpc');
    if (vpc !== undefined) resources.push(vpc);
  }
  const out = [need(`ec2:${op}`, ...new Set(resources))];
  // Flow logs deliver with a role the caller hands over: iam:PassRole, as IAM requires.
  const role = op === 'CreateFlowLogs' ? values(p, 'DeliverLogsPermissionArn') : [];
  if (role.length > 0) out.push(need('iam:PassRole', ...role));
  return out;
};
