import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCT, r, viaSdk } from './support/iam-map-helpers';

const rds = (type: string, name: string): string => `arn:aws:rds:us-east-1:${ACCT}:${type}:${name}`;
const redshift = (type: string, name: string): string => `arn:aws:redshift:us-east-1:${ACCT}:${type}:${name}`;

void test('RDS calls name the instances, clusters and snapshots their identifiers stand for', () => {
  const m = (op: string, params: object) => viaSdk('rds', 'rds', op, params);
  // AWS stores the identifier lower-cased: the ARN names the instance that is deleted.
  assert.deepEqual(m('DeleteDBInstance', { DBInstanceIdentifier: 'Prod-Orders', SkipFinalSnapshot: true }), [
    r('rds:DeleteDBInstance', rds('db', 'prod-orders')),
  ]);
  assert.deepEqual(
    m('CreateDBInstance', {
      DBInstanceIdentifier: 'db1',
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      DBParameterGroupName: 'pg1',
      DBSubnetGroupName: 'sub1',
      OptionGroupName: 'og1',
      DBClusterIdentifier: 'c1',
    }),
    [
      r(
        'rds:CreateDBInstance',
        rds('cluster', 'c1'),
        rds('db', 'db1'),
        rds('og', 'og1'),
        rds('pg', 'pg1'),
        rds('subgrp', 'sub1'),
      ),
    ],
  );
  // Both names a call touches: the renamed instance and its new name, source and copy.
  assert.deepEqual(m('ModifyDBInstance', { DBInstanceIdentifier: 'db1', NewDBInstanceIdentifier: 'db2' }), [
    r('rds:ModifyDBInstance', rds('db', 'db1'), rds('db', 'db2')),
  ]);
  assert.deepEqual(
    m('CopyDBSnapshot', { SourceDBSnapshotIdentifier: 's1', TargetDBSnapshotIdentifier: 's2' }),
    [r('rds:CopyDBSnapshot', rds('snapshot', 's1'), rds('snapshot', 's2'))],
  );
  assert.deepEqual(m('DeleteDBCluster', { DBClusterIdentifier: 'c1', FinalDBSnapshotIdentifier: 'last' }), [
    r('rds:DeleteDBCluster', rds('cluster', 'c1'), rds('cluster-snapshot', 'last')),
  ]);
  assert.deepEqual(
    m('RestoreDBInstanceToPointInTime', {
      SourceDBInstanceIdentifier: 'db1',
      TargetDBInstanceIdentifier: 'db9',
    }),
    [r('rds:RestoreDBInstanceToPointInTime', rds('db', 'db1'), rds('db', 'db9'))],
  );
  // An ARN of the type is used as given; one of another type is refused, leaving `*`.
  const own = 'arn:aws:rds:eu-west-1:111122223333:db:prod';
  assert.deepEqual(m('RebootDBInstance', { DBInstanceIdentifier: own }), [r('rds:RebootDBInstance', own)]);
  assert.deepEqual(m('DeleteDBInstance', { DBInstanceIdentifier: rds('cluster', 'prod') }), [
    r('rds:DeleteDBInstance'),
  ]);
  assert.deepEqual(m('DescribeDBInstances', {}), [r('rds:DescribeDBInstances')]);
  // Tagging names the resource by ARN in ResourceName.
  assert.deepEqual(m('AddTagsToResource', { ResourceName: rds('db', 'prod'), Tags: [] }), [
    r('rds:AddTagsToResource', rds('db', 'prod')),
  ]);
  assert.deepEqual(m('ListTagsForResource', { ResourceName: 'prod' }), [r('rds:ListTagsForResource')]);
});

void test('Redshift calls name clusters, and snapshots under their cluster', () => {
  const m = (op: string, params: object) => viaSdk('redshift', 'redshift', op, params);
  assert.deepEqual(m('DeleteCluster', { ClusterIdentifier: 'dw', SkipFinalClusterSnapshot: true }), [
    r('redshift:DeleteCluster', redshift('cluster', 'dw')),
  ]);
  assert.deepEqual(
    m('DeleteClusterSnapshot', { SnapshotIdentifier: 'snap', SnapshotClusterIdentifier: 'dw' }),
    [r('redshift:DeleteClusterSnapshot', redshift('snapshot', 'dw/snap'))],
  );
  // Without its cluster the snapshot cannot be placed (pipeline/decide-unplaced.ts asks).
  assert.deepEqual(m('DeleteClusterSnapshot', { SnapshotIdentifier: 'snap' }), [
    r('redshift:DeleteClusterSnapshot'),
  ]);
  assert.deepEqual(
    m('CopyClusterSnapshot', {
      SourceSnapshotIdentifier: 'a',
      SourceSnapshotClusterIdentifier: 'dw',
      TargetSnapshotIdentifier: 'b',
    }),
    [r('redshift:CopyClusterSnapshot', redshift('snapshot', 'dw/a'), redshift('snapshot', 'dw/b'))],
  );
  assert.deepEqual(m('DeleteTags', { ResourceName: redshift('cluster', 'dw'), TagKeys: ['k'] }), [
    r('redshift:DeleteTags', redshift('cluster', 'dw')),
  ]);
  assert.deepEqual(m('GetClusterCredentials', { ClusterIdentifier: 'dw', DbUser: 'u1', DbName: 'd1' }), [
    r('redshift:GetClusterCredentials', redshift('dbname', 'dw/d1'), redshift('dbuser', 'dw/u1')),
  ]);
});
