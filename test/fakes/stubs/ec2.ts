import { newRequestId } from '../aws-errors';
import type { FakeIdentity, ServiceStub, StubRequest, StubResponse } from '../types';
import { listParam, queryParams, stubError, unknownOperation, xmlEscape } from './shared';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

interface Instance {
  id: string;
  name: string;
  type: string;
  state: { code: number; name: string };
}

const RUNNING = { code: 16, name: 'running' };
const SHUTTING_DOWN = { code: 32, name: 'shutting-down' };
const TERMINATED = { code: 48, name: 'terminated' };

function seedInstances(): Map<string, Instance> {
  const list: Instance[] = [
    { id: 'i-0a1b2c3d4e5f60001', name: 'airlock-web-1', type: 't3.micro', state: RUNNING },
    { id: 'i-0a1b2c3d4e5f60002', name: 'airlock-worker-1', type: 't3.small', state: RUNNING },
  ];
  return new Map(list.map((i) => [i.id, i]));
}

function ec2Ok(operation: string, inner: string): StubResponse {
  return {
    status: 200,
    operation,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<${operation}Response xmlns="${NS}"><requestId>${newRequestId()}</requestId>${inner}</${operation}Response>`,
  };
}

function stateXml(tag: string, state: { code: number; name: string }): string {
  return `<${tag}><code>${state.code}</code><name>${state.name}</name></${tag}>`;
}

export function createEc2Stub(identity: FakeIdentity): ServiceStub {
  let instances = seedInstances();

  function instanceXml(i: Instance, region: string): string {
    return (
      `<item><instanceId>${i.id}</instanceId><imageId>ami-0123456789abcdef0</imageId>` +
      stateXml('instanceState', i.state) +
      `<privateDnsName>ip-10-0-0-${i.id.slice(-1)}.ec2.internal</privateDnsName>` +
      `<instanceType>${i.type}</instanceType><launchTime>2024-01-01T00:00:00.000Z</launchTime>` +
      `<placement><availabilityZone>${xmlEscape(region)}a</availabilityZone></placement>` +
      `<tagSet><item><key>Name</key><value>${xmlEscape(i.name)}</value></item></tagSet></item>`
    );
  }

  function notFound(operation: string, ids: string[]): StubResponse {
    return stubError(
      'ec2',
      'ec2',
      operation,
      400,
      'InvalidInstanceID.NotFound',
      `The instance IDs '${ids.join(', ')}' do not exist`,
    );
  }

  function dryRun(operation: string): StubResponse {
    return stubError(
      'ec2',
      'ec2',
      operation,
      412,
      'DryRunOperation',
      'Request would have succeeded, but DryRun flag is set.',
    );
  }

  function describe(params: URLSearchParams, region: string): StubResponse {
    if (params.get('DryRun') === 'true') return dryRun('DescribeInstances');
    const ids = listParam(params, 'InstanceId');
    const missing = ids.filter((id) => !instances.has(id));
    if (missing.length > 0) return notFound('DescribeInstances', missing);
    const chosen = [...instances.values()].filter((i) => ids.length === 0 || ids.includes(i.id));
    const reservations = chosen
      .map(
        (i) =>
          `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>${identity.accountId}</ownerId>` +
          `<groupSet/><instancesSet>${instanceXml(i, region)}</instancesSet></item>`,
      )
      .join('');
    return ec2Ok('DescribeInstances', `<reservationSet>${reservations}</reservationSet>`);
  }

  function terminate(params: URLSearchParams): StubResponse {
    if (params.get('DryRun') === 'true') return dryRun('TerminateInstances');
    const ids = listParam(params, 'InstanceId');
    const missing = ids.filter((id) => !instances.has(id));
    if (ids.length === 0 || missing.length > 0) return notFound('TerminateInstances', missing);
    const items = ids
      .map((id) => {
        const inst = instances.get(id);
        if (!inst) return '';
        const previous = inst.state;
        const current = previous === TERMINATED ? TERMINATED : SHUTTING_DOWN;
        inst.state = TERMINATED;
        return `<item><instanceId>${id}</instanceId>${stateXml('currentState', current)}${stateXml('previousState', previous)}</item>`;
      })
      .join('');
    return ec2Ok('TerminateInstances', `<instancesSet>${items}</instancesSet>`);
  }

  return {
    signingName: 'ec2',
    reset: () => {
      instances = seedInstances();
    },
    handle(req: StubRequest): StubResponse {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      if (action === 'DescribeInstances') return describe(params, req.region);
      if (action === 'TerminateInstances') return terminate(params);
      return unknownOperation('ec2', 'ec2', action || 'unknown');
    },
  };
}
