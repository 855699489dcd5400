import { need, str, type ServiceMapper } from './iam-arn';
import { resourceCatalogue } from './iam-resources';
import { templateResources, type TemplateOptions } from './resource-template';

/**
 * Route 53: every resource type's ARN is `arn:aws:route53:::{type}/${Id}` (global, no account),
 * and the request names the id in a URI label or query member called after the type
 * (`HostedZoneId`, `HealthCheckId`, `TrafficPolicyId`, `DelegationSetId`, `CollectionId`), or
 * `Id` when the operation is about one resource type only (GetHostedZone, GetChange). Ids may
 * arrive as AWS returns them (`/hostedzone/Z123`): the type prefix is dropped, as the SDKs do.
 * Members of the XML body (CreateKeySigningKey's HostedZoneId) are not read by identify, so those
 * operations stay unnamed.
 */

const ID_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  hostedzone: ['HostedZoneId'],
  healthcheck: ['HealthCheckId'],
  trafficpolicy: ['TrafficPolicyId'],
  delegationset: ['DelegationSetId'],
  cidrcollection: ['CollectionId'],
};

/** `/hostedzone/Z123` → `Z123`; other values unchanged (a leftover `/` leaves them unnamed). */
export function route53Id(type: string, raw: string): string {
  const prefix = `/${type}/`;
  return raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
}

const OPTIONS: TemplateOptions = {
  // `Id` itself matches the variable by name; a member two types claim is dropped as ambiguous.
  aliases: (type, variable) => (variable === 'Id' ? (ID_MEMBERS[type] ?? []) : []),
  value: (type, _variable, raw) => route53Id(type, raw),
};

export const mapRoute53: ServiceMapper = (op, p, s, service) => {
  // The tagging APIs name the type in a label: /tags/{ResourceType}/{ResourceId}.
  if (op === 'ChangeTagsForResource' || op === 'ListTagsForResource') {
    const type = str(p, 'ResourceType');
    const id = str(p, 'ResourceId');
    const template =
      type === 'hostedzone' || type === 'healthcheck'
        ? resourceCatalogue().resourceType('route53', type)?.template
        : undefined;
    const plain = id === undefined || type === undefined ? undefined : route53Id(type, id);
    const arn =
      template === undefined || plain === undefined || !/^[A-Za-z0-9-]+$/.test(plain)
        ? undefined
        : template.fill(s, { Id: plain });
    return [need(`route53:${op}`, arn)];
  }
  return [
    need(
      `route53:${op}`,
      ...templateResources({ service, iamPrefix: 'route53', operation: op, action: op }, p, s, OPTIONS),
    ),
  ];
};
