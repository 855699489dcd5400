/** Query services that share a signing name and action names are told apart by Version alone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORM, op } from './support/identify-view';

const elb = (body: string) =>
  op({ method: 'POST', path: '/', signingName: 'elasticloadbalancing', headers: FORM, body });

void test('ELB: the Version picks classic or v2; without one that settles it, the call is unidentified', () => {
  const v1 = elb('Action=DeleteLoadBalancer&LoadBalancerName=web&Version=2012-06-01');
  assert.deepEqual([v1.service, v1.operation], ['elb', 'DeleteLoadBalancer']);
  const v2 = elb('Action=DeleteLoadBalancer&LoadBalancerArn=arn%3Aaws%3Ax&Version=2015-12-01');
  assert.deepEqual([v2.service, v2.operation], ['elbv2', 'DeleteLoadBalancer']);
  // Which API, and so which load balancer ARN, the call names would be a guess.
  for (const body of [
    'Action=DeleteLoadBalancer&LoadBalancerName=web',
    'Action=DeleteLoadBalancer&LoadBalancerName=web&Version=2099-01-01',
  ])
    assert.equal(elb(body).operation, undefined, body);
});

void test('an action only one service of the signing name has needs no Version', () => {
  const r = elb('Action=RegisterInstancesWithLoadBalancer&LoadBalancerName=web');
  assert.deepEqual([r.service, r.operation], ['elb', 'RegisterInstancesWithLoadBalancer']);
});
