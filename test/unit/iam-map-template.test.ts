/**
 * EC2 launches and security groups (issue 11 item 13) from the requests aws-sdk v2 builds, and the
 * rules of the data-driven default: members outside the model, scalars beside lists, ambiguous
 * members, one value of two resources, a missing resource table.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mapToIam } from '../../gateway/aws/iam-map';
import { setResourceCatalogueFile } from '../../gateway/aws/iam-resources';
import { AwsModelError } from '../../gateway/aws/model';
import { templateResources } from '../../gateway/aws/resource-template';
import type { IamRequirement, Identified, RequestView } from '../../gateway/aws/types';
import { ACCT, mapView, viaSdk, r } from './support/iam-map-helpers';

void test('EC2 RunInstances names every resource the launch touches; new ones and AWS-picked defaults as type/*', () => {
  const e = (op: string, p: object): IamRequirement[] => viaSdk('ec2', 'ec2', op, p);
  const A = (rest: string, acct = ACCT): string => `arn:aws:ec2:us-east-1:${acct}:${rest}`;
  assert.deepEqual(
    e('RunInstances', {
      ImageId: 'ami-1',
      MinCount: 1,
      MaxCount: 1,
      KeyName: 'deploy',
      SecurityGroupIds: ['sg-1'],
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-2', Groups: ['sg-2'] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-1' } }],
      Placement: { GroupName: 'pg' },
      IamInstanceProfile: { Name: 'web' },
    }),
    [
      r(
        'ec2:RunInstances',
        A('image/ami-1', ''),
        A('network-interface/*'),
        A('subnet/subnet-2'),
        A('security-group/sg-1'),
        A('security-group/sg-2'),
        A('snapshot/snap-1', ''),
        A('key-pair/deploy'),
        A('placement-group/pg'),
        A('instance/*'),
        A('volume/*'),
      ),
      r('iam:PassRole', `arn:aws:iam::${ACCT}:role/*`),
    ],
  );
  // Nothing but an image: AWS picks the subnet and the security group, and creates the rest.
  assert.deepEqual(e('RunInstances', { ImageId: 'ami-1', MinCount: 1, MaxCount: 1 }), [
    r(
      'ec2:RunInstances',
      A('image/ami-1', ''),
      A('network-interface/*'),
      A('subnet/*'),
      A('security-group/*'),
      A('instance/*'),
      A('volume/*'),
    ),
  ]);
  assert.deepEqual(e('CreateSecurityGroup', { GroupName: 'web', Description: 'd', VpcId: 'vpc-1' }), [
    r('ec2:CreateSecurityGroup', A('vpc/vpc-1'), A('security-group/*')),
  ]);
  assert.deepEqual(e('CreateSecurityGroup', { GroupName: 'web', Description: 'd' }), [
    r('ec2:CreateSecurityGroup', A('security-group/*'), A('vpc/*')),
  ]);
  assert.deepEqual(e('AuthorizeSecurityGroupIngress', { GroupId: 'sg-1', IpPermissions: [] }), [
    r('ec2:AuthorizeSecurityGroupIngress', A('security-group/sg-1')),
  ]);
  // By name only (default VPC): the id is AWS's to resolve.
  assert.deepEqual(e('DeleteSecurityGroup', { GroupName: 'web' }), [r('ec2:DeleteSecurityGroup')]);
  assert.deepEqual(e('AttachVolume', { VolumeId: 'vol-1', InstanceId: 'i-1', Device: '/dev/sdf' }), [
    r('ec2:AttachVolume', A('instance/i-1'), A('volume/vol-1')),
  ]);
  assert.deepEqual(e('TerminateInstances', { InstanceIds: ['i-1', 'i-2'] }), [
    r('ec2:TerminateInstances', A('instance/i-1'), A('instance/i-2')),
  ]);
  assert.deepEqual(e('CreateVolume', { AvailabilityZone: 'us-east-1a', Size: 1 }), [
    r('ec2:CreateVolume', A('volume/*')),
  ]);
});

function raw(signingName: string, body: string, target?: string): RequestView {
  return {
    method: 'POST',
    path: '/',
    query: [],
    headers: {
      host: `${signingName}.us-east-1.amazonaws.com`,
      ...(target === undefined
        ? { 'content-type': 'application/x-www-form-urlencoded' }
        : { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }),
    },
    body: Buffer.from(body),
    signingName,
    region: 'us-east-1',
  };
}

void test('members outside the model name nothing; a scalar beside a list counts with it', () => {
  const S = `arn:aws:kinesis:us-east-1:${ACCT}:stream/orders`;
  // ListStreamConsumers has StreamARN only: a StreamName Kinesis would ignore is no resource.
  const decoy = raw(
    'kinesis',
    JSON.stringify({ StreamARN: S, StreamName: 'decoy' }),
    'Kinesis_20131202.ListStreamConsumers',
  );
  assert.deepEqual(mapView(decoy), [r('kinesis:ListStreamConsumers', S)]);
  // EC2 reads InstanceId.N; a bare InstanceId next to it names an instance too (never instead).
  const both = raw(
    'ec2',
    'Action=TerminateInstances&Version=2016-11-15&InstanceId.1=i-prod&InstanceId=i-decoy',
  );
  assert.deepEqual(mapView(both), [
    r(
      'ec2:TerminateInstances',
      `arn:aws:ec2:us-east-1:${ACCT}:instance/i-decoy`,
      `arn:aws:ec2:us-east-1:${ACCT}:instance/i-prod`,
    ),
  ]);
});

void test('a member two spellings of one resource could use fills neither; one value of two resources fills both', () => {
  // DeleteRule's Name completes both rule formats (default and custom bus): the generic rule
  // refuses it, and the EventBridge mapping places the rule from its bus instead.
  const id: Identified = {
    service: 'eventbridge',
    protocol: 'json',
    operation: 'DeleteRule',
    signingName: 'events',
    region: 'us-east-1',
    iamPrefix: 'events',
    endpointPrefix: 'events',
    params: { Name: 'nightly', EventBusName: 'orders' },
  };
  const scope = { partition: 'aws', region: 'us-east-1', account: ACCT };
  assert.deepEqual(
    templateResources(
      { service: 'eventbridge', iamPrefix: 'events', operation: 'DeleteRule', action: 'DeleteRule' },
      id.params,
      scope,
    ),
    [],
  );
  assert.deepEqual(mapToIam(id, { accountId: ACCT }).requirements, [
    r('events:DeleteRule', `arn:aws:events:us-east-1:${ACCT}:rule/orders/nightly`),
  ]);
  // Glue's GetTable needs the database and the table: DatabaseName is the same value in both.
  const glue = (name: string, db: string): IamRequirement[] =>
    viaSdk('glue', 'glue', 'GetTable', { DatabaseName: db, Name: name });
  assert.deepEqual(glue('orders', 'sales'), [
    r(
      'glue:GetTable',
      `arn:aws:glue:us-east-1:${ACCT}:database/sales`,
      `arn:aws:glue:us-east-1:${ACCT}:table/sales/orders`,
    ),
  ]);
});

void test('without its resource table the mapping refuses (the pipeline answers InternalFailure), never maps to *', () => {
  setResourceCatalogueFile('/nonexistent/iam-resources.generated.json');
  try {
    assert.throws(
      () => viaSdk('kinesis', 'kinesis', 'DeleteStream', { StreamName: 'prod' }),
      (e: unknown) =>
        e instanceof AwsModelError && e.code === 'AWS_MODEL_MISSING' && /gen-iam-resources/.test(e.message),
    );
  } finally {
    setResourceCatalogueFile(
      new URL('../../gateway/aws/iam-resources.generated.json', import.meta.url).pathname,
    );
  }
  assert.deepEqual(viaSdk('kinesis', 'kinesis', 'DeleteStream', { StreamName: 'prod' }), [
    r('kinesis:DeleteStream', `arn:aws:kinesis:us-east-1:${ACCT}:stream/prod`),
  ]);
});
