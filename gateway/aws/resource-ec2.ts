import { need, type ArnScope, type Params, type ServiceMapper } from './iam-arn';
import { resourceCatalogue } from './iam-resources';
import { arns, byPrefix, fresh, nested } from './resource-ec2-arn';
import { requestSpotInstances, runInstances } from './resource-ec2-launch';
import { templateResources, values, type TemplateOptions } from './resource-template';

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
