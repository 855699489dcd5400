import { need, partitionOf, type ArnScope, type ServiceMapper } from './iam-arn';
import { mapEc2, mapEcr, mapLambda } from './resource-compute';
import { mapDynamoDb } from './resource-dynamodb';
import { mapIam, mapKms, mapSecretsManager, mapSsm, mapSts } from './resource-identity';
import { mapCloudFormation, mapLogs, mapSns, mapSqs } from './resource-messaging';
import { mapS3 } from './resource-s3';
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
};

/**
 * The IAM actions and resource ARNs an identified call needs. Default rule: the action is
 * `{iamPrefix}:{operation}` on `*`; curated services rename actions where IAM differs from the
 * API and scope them to the resources named in the request. An unidentified operation maps to
 * `{iamPrefix}:Unknown` on `*`, which only a scope granting `{iamPrefix}:*` (or `*`) allows.
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
  const requirements = mapper?.(op, id.params, scope) ?? [need(`${id.iamPrefix}:${op}`)];
  return { requirements };
}
