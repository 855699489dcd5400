import { need, partitionOf, type ArnScope, type ServiceMapper } from './iam-arn';
import { mapEcr, mapLambda } from './resource-compute';
import { mapDynamoDb } from './resource-dynamodb';
import { mapRds, mapRedshift } from './resource-databases';
import { mapEc2 } from './resource-ec2';
import { mapEvents } from './resource-events';
import { mapIam, mapKms, mapSecretsManager, mapSsm, mapSts } from './resource-identity';
import { mapCloudFormation, mapLogs, mapSns, mapSqs } from './resource-messaging';
import { mapRoute53 } from './resource-route53';
import { mapS3 } from './resource-s3';
import { mapStates } from './resource-states';
import { mapKinesis } from './resource-streams';
import { mapWafv2 } from './resource-waf';
import { templateResources } from './resource-template';
import type { IamMapping, Identified } from './types';

export interface IamMapContext {
  readonly accountId: string;
  /** Overrides the partition derived from the region (`cn-*` → aws-cn, `us-gov-*` → aws-us-gov). */
  readonly partition?: string;
}

/** Curated services, keyed by IAM prefix. Everything else gets the default rule. */
const MAPPERS: Readonly<Record<string, ServiceMapper>> = {
  s3: mapS3,
  dynamodb: mapDynamoDb,
  lambda: mapLambda,
  ec2: mapEc2,
  ecr: mapEcr,
  iam: mapIam,
  sts: mapSts,
  kms: mapKms,
  secretsmanager: mapSecretsManager,
  ssm: mapSsm,
  sqs: mapSqs,
  sns: mapSns,
  logs: mapLogs,
  cloudformation: mapCloudFormation,
  route53: mapRoute53,
  events: mapEvents,
  kinesis: mapKinesis,
  states: mapStates,
  wafv2: mapWafv2,
  rds: mapRds,
  redshift: mapRedshift,
};

/**
 * The IAM actions and resource ARNs an identified call needs. Default rule: the action is
 * `{iamPrefix}:{operation}` on the resources the request names, as the Service Authorization
 * Reference formats them (resource-template.ts), or `*` when it names none; curated services
 * rename actions where IAM differs from the API and read resources the data cannot place. An
 * unidentified operation maps to `{iamPrefix}:Unknown` on `*`, which only a scope granting
 * `{iamPrefix}:*` (or `*`) allows.
 */
export function mapToIam(id: Identified, ctx: IamMapContext): IamMapping {
  const op = id.operation;
  if (op === undefined) return { requirements: [need(`${id.iamPrefix}:Unknown`)] };
  const scope: ArnScope = {
    partition: ctx.partition ?? partitionOf(id.region),
    region: id.region,
    account: ctx.accountId,
  };
  const mapper = MAPPERS[id.iamPrefix];
  const requirements = mapper?.(op, id.params, scope, id.service) ?? [
    need(
      `${id.iamPrefix}:${op}`,
      ...templateResources(
        { service: id.service, iamPrefix: id.iamPrefix, operation: op, action: op },
        id.params,
        scope,
      ),
    ),
  ];
  return { requirements };
}
