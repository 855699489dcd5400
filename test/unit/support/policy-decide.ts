// A task, an identified call and a decider over a policy file's text, for the policy-rule tests.
import type { IamMapping, Identified } from '../../../gateway/aws/types';
import { CallDecider, type DecisionInput, type Verdict } from '../../../gateway/pipeline/decide';
import { type EffectivePolicy, loadPolicyText } from '../../../gateway/policy-file';
import type { TaskInfo } from '../../../gateway/protocol';
import { call as identifiedCall } from './iam-map-helpers';

export const ACCOUNT = '123456789012';

export function task(extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    taskId: 'task-1',
    name: 'fix upload lambda',
    accessKeyId: 'AKIDTASK',
    startedBy: 'alice',
    startedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2026-01-02T00:00:00Z',
    state: 'active',
    ...extra,
  };
}

export function call(
  iamPrefix: string,
  operation: string,
  requirements: IamMapping['requirements'],
  region = 'us-east-1',
): { identified: Identified; mapping: IamMapping } {
  return { identified: identifiedCall(iamPrefix, operation, {}, region), mapping: { requirements } };
}

export function decider(policy: EffectivePolicy | string): CallDecider {
  const p = typeof policy === 'string' ? loadPolicyText(policy, 'policy.json') : policy;
  return new CallDecider(() => p);
}

export function decide(d: CallDecider, c: ReturnType<typeof call>, t: TaskInfo = task()): Verdict {
  const input: DecisionInput = {
    task: t,
    ...c,
    sourceIp: '127.0.0.1',
    now: new Date('2026-05-01T12:00:00Z'),
  };
  return d.decide(input);
}

export const roleArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
