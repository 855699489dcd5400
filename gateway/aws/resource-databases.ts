import { need, type ServiceMapper } from './iam-arn';
import { templateResources, type TemplateOptions } from './resource-template';

/**
 * RDS (and Neptune and DocumentDB, which speak its API under its IAM prefix) and Redshift. Their
 * requests name resources by identifier members (`DBInstanceIdentifier`, `ClusterIdentifier`)
 * that the Service Authorization Reference's ARN formats call otherwise (`db:${DbInstanceName}`,
 * `cluster:${ClusterName}`), so the default rule would leave them unnamed and a deny rule on
 * `db:prod-*` could not match. These aliases say which member fills which variable; lower-cased
 * identifiers are folded by the template rule (case-folded-names.ts). A member two types would
 * claim for different variables is still dropped as ambiguous there.
 */

type Aliases = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

// Tagging names its resource, of any type, by ARN in `ResourceName` (both services).
function options(aliases: Aliases): TemplateOptions {
  return { aliases: (type, variable) => aliases[type]?.[variable] ?? [], arnMembers: ['ResourceName'] };
}

// Source, target, new and final names count too: the call touches each resource it names.
const RDS = options({
  db: {
    DbInstanceName: [
      'DBInstanceIdentifier',
      'SourceDBInstanceIdentifier',
      'TargetDBInstanceIdentifier',
      'NewDBInstanceIdentifier',
    ],
  },
  cluster: {
    DbClusterInstanceName: [
      'DBClusterIdentifier',
      'DbClusterIdentifier',
      'SourceDBClusterIdentifier',
      'TargetDbClusterIdentifier',
      'NewDBClusterIdentifier',
    ],
  },
  snapshot: {
    SnapshotName: [
      'DBSnapshotIdentifier',
      'SourceDBSnapshotIdentifier',
      'TargetDBSnapshotIdentifier',
      'FinalDBSnapshotIdentifier',
    ],
  },
  'cluster-snapshot': {
    ClusterSnapshotName: [
      'DBClusterSnapshotIdentifier',
      'SourceDBClusterSnapshotIdentifier',
      'TargetDBClusterSnapshotIdentifier',
      'FinalDBSnapshotIdentifier',
    ],
  },
  pg: {
    ParameterGroupName: [
      'DBParameterGroupName',
      'DBInstanceParameterGroupName',
      'SourceDBParameterGroupIdentifier',
      'TargetDBParameterGroupIdentifier',
    ],
  },
  'cluster-pg': {
    ClusterParameterGroupName: [
      'DBClusterParameterGroupName',
      'SourceDBClusterParameterGroupIdentifier',
      'TargetDBClusterParameterGroupIdentifier',
    ],
  },
  og: { OptionGroupName: ['SourceOptionGroupIdentifier', 'TargetOptionGroupIdentifier'] },
  subgrp: { SubnetGroupName: ['DBSubnetGroupName'] },
  secgrp: { SecurityGroupName: ['DBSecurityGroupName'] },
  'global-cluster': { GlobalCluster: ['GlobalClusterIdentifier', 'NewGlobalClusterIdentifier'] },
  'cluster-endpoint': { DbClusterEndpoint: ['DBClusterEndpointIdentifier'] },
});

// A snapshot's ARN holds its cluster's name. RestoreFromClusterSnapshot names the new cluster
// and the snapshot's, so it also names a snapshot ARN under the new cluster: one more resource
// for a rule to match, never one fewer.
const REDSHIFT = options({
  cluster: { ClusterName: ['ClusterIdentifier', 'NewClusterIdentifier'] },
  snapshot: {
    ClusterName: ['ClusterIdentifier', 'SnapshotClusterIdentifier', 'SourceSnapshotClusterIdentifier'],
    SnapshotName: ['SnapshotIdentifier', 'SourceSnapshotIdentifier', 'TargetSnapshotIdentifier'],
  },
  dbuser: { ClusterName: ['ClusterIdentifier'] },
  dbname: { ClusterName: ['ClusterIdentifier'] },
  parametergroup: { ParameterGroupName: ['ClusterParameterGroupName'] },
  subnetgroup: { SubnetGroupName: ['ClusterSubnetGroupName'] },
});

function aliased(iamPrefix: string, opts: TemplateOptions): ServiceMapper {
  return (op, p, s, service) => [
    need(
      `${iamPrefix}:${op}`,
      ...templateResources({ service, iamPrefix, operation: op, action: op }, p, s, opts),
    ),
  ];
}

export const mapRds = aliased('rds', RDS);
export const mapRedshift = aliased('redshift', REDSHIFT);
