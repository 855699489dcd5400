import { need, type ArnScope, type Params } from './iam-arn';
import { arns, nested } from './resource-ec2-arn';
import type { IamRequirement } from './types';

/**
 * EC2 instance launches (RunInstances, RequestSpotInstances): authorized on every resource the
 * new instances touch, most of them named only in nested members or not at all (AWS picks the
 * default subnet and security group, and creates the instance, its interfaces and volumes).
 */

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
export function runInstances(s: ArnScope, p: Params): IamRequirement[] {
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
export function requestSpotInstances(s: ArnScope, p: Params): IamRequirement[] {
  const at = 'LaunchSpecification.';
  const resources = [...launchResources(s, p, at), ...arns(s, 'spot-instances-request', [], true)];
  return [need('ec2:RequestSpotInstances', ...new Set(resources)), ...passesProfileRole(s, p, at)];
}
