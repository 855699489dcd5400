import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { identify } from '../../gateway/aws/identify';
import { awsModel } from '../../gateway/aws/model';
import { checkServiceEndpoint, type EndpointVerdict } from '../../gateway/aws/service-endpoint';
import type { RequestView } from '../../gateway/aws/types';

interface Call {
  readonly host: string;
  readonly signedFor: string;
  readonly region: string;
  readonly view: Omit<RequestView, 'signingName' | 'region' | 'host'>;
}

function check(c: Call): EndpointVerdict {
  const bare = c.host.replace(/:\d+$/, '');
  const identified = identify({ ...c.view, signingName: c.signedFor, region: c.region, host: bare });
  return checkServiceEndpoint(awsModel(), {
    realHost: c.host,
    scope: { service: c.signedFor, region: c.region },
    identified,
    request: `${c.view.method} ${c.view.path}`,
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const getCallerIdentity = {
  method: 'POST',
  path: '/',
  query: [],
  headers: FORM,
  body: Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'),
};
const listTables = {
  method: 'POST',
  path: '/',
  query: [],
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
  body: Buffer.from('{}'),
};
const getObject = { method: 'GET', path: '/reports/q1.csv', query: [], headers: {} };
const listBuckets = { method: 'GET', path: '/', query: [], headers: {} };

function sts(host: string, region = 'us-east-1'): EndpointVerdict {
  return check({ host, signedFor: 'sts', region, view: getCallerIdentity });
}
function s3(host: string, region = 'us-east-1', view: Call['view'] = getObject): EndpointVerdict {
  return check({ host, signedFor: 's3', region, view });
}

function refused(v: EndpointVerdict, pattern: RegExp, code = 'EndpointNotAllowed'): void {
  assert.equal(v.ok, false, 'refused');
  if (v.ok) return;
  assert.equal(v.code, code);
  assert.match(v.message, pattern);
}

void describe('proxy mode: a call is re-signed only for its own service endpoint in its signed region', () => {
  void test('the attack: an STS call sent to an API Gateway stage is refused', () => {
    refused(sts('abc123.execute-api.us-east-1.amazonaws.com'), /signed for the service "sts"/);
    // Signed for the host's own service, it is still not identified as any operation there.
    refused(
      check({
        host: 'abc123.execute-api.us-east-1.amazonaws.com',
        signedFor: 'execute-api',
        region: 'us-east-1',
        view: getCallerIdentity,
      }),
      /not an endpoint of|cannot identify/,
    );
  });

  void test('customer-run hosts under amazonaws.com never receive a re-signed call', () => {
    for (const host of [
      'my-lb-1234.us-east-1.elb.amazonaws.com',
      'ec2-3-80-1-2.compute-1.amazonaws.com',
      'search-domain-abc.us-east-1.es.amazonaws.com',
      'site.s3-website-us-east-1.amazonaws.com',
      'sts.attacker.s3.amazonaws.com',
      'sts.us-east-1.amazonaws.com.evil.s3.amazonaws.com',
    ])
      refused(sts(host), /Airlock refused this call/);
  });

  void test('STS: regional, global (signed for us-east-1), FIPS and dual-stack hosts', () => {
    assert.deepEqual(sts('sts.us-east-1.amazonaws.com'), { ok: true });
    assert.deepEqual(sts('sts.eu-west-2.amazonaws.com', 'eu-west-2'), { ok: true });
    assert.deepEqual(sts('sts.amazonaws.com'), { ok: true });
    assert.deepEqual(sts('sts-fips.us-east-2.amazonaws.com', 'us-east-2'), { ok: true });
    assert.deepEqual(sts('sts.us-west-2.api.aws', 'us-west-2'), { ok: true });
    assert.deepEqual(sts('sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'), { ok: true });
  });

  void test('the credential scope region must be the host’s', () => {
    refused(sts('sts.eu-west-1.amazonaws.com', 'us-east-1'), /not an endpoint of .* for us-east-1/);
    refused(sts('sts.amazonaws.com', 'eu-west-1'), /that would be sts\.eu-west-1\.amazonaws\.com/);
    refused(sts('sts.x.s3.amazonaws.com', 'x.s3'), /region "x\.s3"/);
  });

  void test('the credential scope service must be the host’s', () => {
    const v = check({
      host: 'dynamodb.us-east-1.amazonaws.com',
      signedFor: 'sts',
      region: 'us-east-1',
      view: listTables,
    });
    refused(v, /signed for the service "sts", but this host serves Amazon DynamoDB/);
    assert.deepEqual(
      check({
        host: 'dynamodb.us-east-1.amazonaws.com',
        signedFor: 'dynamodb',
        region: 'us-east-1',
        view: listTables,
      }),
      { ok: true },
    );
  });

  void test('global services: their one host, signed for its region', () => {
    const iam = (host: string, region = 'us-east-1'): EndpointVerdict =>
      check({
        host,
        signedFor: 'iam',
        region,
        view: { ...getCallerIdentity, body: Buffer.from('Action=ListRoles&Version=2010-05-08') },
      });
    assert.deepEqual(iam('iam.amazonaws.com'), { ok: true });
    assert.deepEqual(iam('iam-fips.amazonaws.com'), { ok: true });
    refused(iam('iam.amazonaws.com', 'eu-west-1'), /not an endpoint/);
    refused(iam('iam.evil.execute-api.us-east-1.amazonaws.com'), /Airlock refused/);
    const route53 = check({
      host: 'route53.amazonaws.com',
      signedFor: 'route53',
      region: 'us-east-1',
      view: { method: 'GET', path: '/2013-04-01/hostedzone', query: [], headers: {} },
    });
    assert.deepEqual(route53, { ok: true });
  });

  void test('S3: path style, virtual-hosted, dual-stack, FIPS, legacy and accelerate hosts', () => {
    for (const [host, region] of [
      ['s3.us-east-1.amazonaws.com', 'us-east-1'],
      ['s3.amazonaws.com', 'us-east-1'],
      ['s3-external-1.amazonaws.com', 'us-east-1'],
      ['s3.dualstack.eu-west-1.amazonaws.com', 'eu-west-1'],
      ['s3-fips.us-east-2.amazonaws.com', 'us-east-2'],
      ['s3-us-west-2.amazonaws.com', 'us-west-2'],
    ] as const) {
      assert.deepEqual(s3(host, region), { ok: true }, host);
      assert.deepEqual(s3(`uploads.${host}`, region), { ok: true }, `uploads.${host}`);
      assert.deepEqual(s3(`my.dotted.bucket.${host}`, region), { ok: true }, `dotted.${host}`);
    }
    assert.deepEqual(s3('uploads.s3-accelerate.amazonaws.com', 'eu-west-1'), { ok: true });
    assert.deepEqual(s3('s3.us-east-1.amazonaws.com', 'us-east-1', listBuckets), { ok: true });
    refused(s3('s3-accelerate.amazonaws.com', 'us-east-1', listBuckets), /not an endpoint/);
    refused(s3('uploads.s3.amazonaws.com', 'eu-west-1'), /not an endpoint/);
    refused(s3('uploads.s3.eu-west-1.amazonaws.com', 'us-east-1'), /not an endpoint/);
  });

  void test('S3 hosts Airlock cannot tie to the identified bucket are refused', () => {
    refused(s3('ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com'), /Airlock refused/);
    refused(s3('bucket--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com'), /Airlock refused/);
    refused(s3('ol-111122223333.s3-object-lambda.us-east-1.amazonaws.com'), /Airlock refused/);
  });

  void test('S3 Control: the account label must be the request’s account id', () => {
    const view = {
      method: 'GET',
      path: '/v20180820/jobs',
      query: [],
      headers: { 'x-amz-account-id': '111122223333' },
    };
    const ctl = (host: string): EndpointVerdict =>
      check({ host, signedFor: 's3', region: 'us-east-1', view });
    assert.deepEqual(ctl('111122223333.s3-control.us-east-1.amazonaws.com'), { ok: true });
    refused(ctl('999988887777.s3-control.us-east-1.amazonaws.com'), /not an endpoint/);
  });

  void test('DynamoDB: FIPS, dual-stack and account-based endpoints', () => {
    const ddb = (host: string): EndpointVerdict =>
      check({ host, signedFor: 'dynamodb', region: 'us-east-1', view: listTables });
    assert.deepEqual(ddb('dynamodb-fips.us-east-1.amazonaws.com'), { ok: true });
    assert.deepEqual(ddb('dynamodb.us-east-1.api.aws'), { ok: true });
    assert.deepEqual(ddb('111122223333.ddb.us-east-1.amazonaws.com'), { ok: true });
    refused(ddb('evil.ddb.us-east-1.amazonaws.com'), /not an endpoint/);
  });

  void test('legacy names AWS CLI v1 still uses (queue.amazonaws.com), for their own region only', () => {
    const sqs = (host: string, region: string): EndpointVerdict =>
      check({
        host,
        signedFor: 'sqs',
        region,
        view: {
          method: 'POST',
          path: '/',
          query: [],
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
          body: Buffer.from('{}'),
        },
      });
    assert.deepEqual(sqs('queue.amazonaws.com', 'us-east-1'), { ok: true });
    assert.deepEqual(sqs('eu-west-1.queue.amazonaws.com', 'eu-west-1'), { ok: true });
    assert.deepEqual(sqs('sqs.eu-west-1.amazonaws.com', 'eu-west-1'), { ok: true });
    refused(sqs('queue.amazonaws.com', 'eu-west-1'), /not an endpoint/);
    refused(sqs('evil.queue.amazonaws.com', 'us-east-1'), /not an endpoint/);
  });

  void test('only the default port: anything else is not AWS', () => {
    refused(sts('sts.us-east-1.amazonaws.com:8443'), /default HTTPS port, not 8443/);
  });

  void test('an unidentified operation on the right host is refused, naming the request', () => {
    const v = check({
      host: 'sts.us-east-1.amazonaws.com',
      signedFor: 'sts',
      region: 'us-east-1',
      view: { ...getCallerIdentity, body: Buffer.from('Action=StealEverything&Version=2011-06-15') },
    });
    refused(
      v,
      /cannot identify which .* operation POST \/ on sts\.us-east-1\.amazonaws\.com/,
      'AccessDenied',
    );
  });
});
