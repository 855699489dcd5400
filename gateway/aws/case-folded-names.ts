/**
 * Input members whose value AWS stores lower-cased: the service documents each with "This
 * parameter is stored as a lowercase string" (or "converted to lowercase"), so
 * `DeleteCacheCluster` with `CacheClusterId=Prod` deletes the cluster `prod`. A resource ARN
 * built from the value as sent would name a resource that does not exist and slip past a deny
 * rule written for the real one. Listed from the documentation strings of the botocore models,
 * by the gateway model's service id (Neptune and DocumentDB are signed, and identified, as `rds`).
 */
const FOLDED: Readonly<Record<string, ReadonlySet<string>>> = {
  dax: new Set(['ClusterName', 'SubnetGroupName']),
  dms: new Set(['ReplicationInstanceIdentifier', 'ReplicationSubnetGroupIdentifier']),
  docdbelastic: new Set(['clusterName']),
  elasticache: new Set([
    'CacheClusterId',
    'CacheParameterGroupName',
    'CacheSecurityGroupName',
    'CacheSubnetGroupName',
    'PrimaryReplicationGroupId',
    'ReplicationGroupId',
    'ServerlessCacheName',
    'ServerlessCacheSnapshotName',
    'SnapshotName',
    'TargetServerlessCacheSnapshotName',
    'TargetSnapshotName',
    'UserGroupId',
    'UserId',
  ]),
  rds: new Set([
    'DBClusterEndpointIdentifier',
    'DBClusterIdentifier',
    'DBClusterParameterGroupName',
    'DBClusterSnapshotIdentifier',
    'DBInstanceIdentifier',
    'DBParameterGroupName',
    'DBSecurityGroupName',
    'DBSnapshotIdentifier',
    'DBSubnetGroupName',
    'GlobalClusterIdentifier',
    'NewDBClusterIdentifier',
    'NewDBInstanceIdentifier',
    'NewGlobalClusterIdentifier',
  ]),
  redshift: new Set(['ClusterSecurityGroupName', 'ClusterSubnetGroupName', 'ParameterGroupName']),
};

/** True when the service stores this member's value lower-cased. */
export function foldsCase(service: string, member: string): boolean {
  const names = Object.hasOwn(FOLDED, service) ? FOLDED[service] : undefined;
  return names?.has(member) === true;
}
