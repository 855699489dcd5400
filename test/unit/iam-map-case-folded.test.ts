/**
 * Names AWS stores lower-cased ("This parameter is stored as a lowercase string", ElastiCache's
 * CacheClusterId, Redshift's ParameterGroupName, DAX's ClusterName...): `Prod` names the resource
 * `prod`, so the ARN a deny rule on it is written for is the lower-cased one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mapToIam } from '../../gateway/aws/iam-map';
import { identify } from '../../gateway/aws/identify';
import { requestViewOf } from '../../gateway/pipeline/request-view';

function resources(signingName: string, headers: Record<string, string>, body: string): string[] {
  const id = identify(
    requestViewOf({
      method: 'POST',
      rawUrl: '/',
      rawHeaders: Object.entries(headers).flat(),
      body: Buffer.from(body),
      signingName,
      region: 'us-east-1',
    }),
  );
  return mapToIam(id, { accountId: '123456789012' }).requirements.flatMap((r) => [...r.resources]);
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ARN = 'arn:aws:elasticache:us-east-1:123456789012';

void test('ElastiCache, Redshift and DAX names AWS lower-cases are decided on the lower-cased resource', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    [
      'elasticache',
      FORM,
      'Action=DeleteCacheCluster&Version=2015-02-02&CacheClusterId=Prod',
      `${ARN}:cluster:prod`,
    ],
    [
      'elasticache',
      FORM,
      'Action=DeleteReplicationGroup&Version=2015-02-02&ReplicationGroupId=PROD-Cache',
      `${ARN}:replicationgroup:prod-cache`,
    ],
    ['elasticache', FORM, 'Action=DeleteUser&Version=2015-02-02&UserId=Admin', `${ARN}:user:admin`],
    [
      'redshift',
      FORM,
      'Action=DeleteClusterParameterGroup&Version=2012-12-01&ParameterGroupName=Prod',
      'arn:aws:redshift:us-east-1:123456789012:parametergroup:prod',
    ],
    [
      'dax',
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonDAXV3.DeleteCluster' },
      '{"ClusterName":"Prod"}',
      'arn:aws:dax:us-east-1:123456789012:cache/prod',
    ],
  ];
  for (const [service, headers, body, want] of cases)
    assert.deepEqual(resources(service, headers, body), [want], body);
});

void test('names AWS keeps as sent keep their case', () => {
  assert.deepEqual(
    resources(
      'kinesis',
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.DeleteStream' },
      '{"StreamName":"Prod"}',
    ),
    ['arn:aws:kinesis:us-east-1:123456789012:stream/Prod'],
  );
});
