/**
 * A recorded call turned back into what the gateway's decider read when it decided it: the task
 * as it started, the identified operation and its parameters, and the IAM mapping exactly as
 * recorded (every action and resource the call needed). Re-deciding from this runs the same code
 * path the live gateway runs (pipeline/decide.ts), at the time the call was made.
 */
import type { IamMapping, Identified } from '../aws/types';
import { conditionContext, type DecisionInput } from '../pipeline/decide';
import type { RequestContext } from '../policy';
import type { TaskInfo } from '../protocol';
import type { RecordedCall, RecordedTask } from './session-calls';

/** The task as the decider sees it; `scope` replaces the recorded one when given (what-if). */
export function taskInfoOf(task: RecordedTask, scope?: { readonly scope: unknown }): TaskInfo {
  return {
    taskId: task.taskId,
    name: task.name ?? task.taskId,
    accessKeyId: task.accessKeyId ?? '',
    startedBy: task.startedBy ?? 'unknown',
    agent: task.agent,
    workspace: task.workspace,
    startedAt: task.startedAt ?? '',
    expiresAt: task.expiresAt ?? '',
    endedAt: task.endedAt,
    state: 'ended',
    scope: scope ? scope.scope : task.scope,
  };
}

function iamPrefixOf(call: RecordedCall): string {
  const first = call.request.actions[0]?.action;
  const colon = first?.indexOf(':') ?? -1;
  return first !== undefined && colon > 0 ? first.slice(0, colon) : call.request.service;
}

export function mappingOf(call: RecordedCall): IamMapping {
  return { requirements: call.request.actions };
}

export function identifiedOf(call: RecordedCall): Identified {
  const r = call.request;
  return {
    service: r.service,
    protocol: r.protocol as Identified['protocol'],
    operation: r.operation,
    signingName: r.service,
    region: r.region,
    iamPrefix: iamPrefixOf(call),
    endpointPrefix: r.service,
    params: r.params,
  };
}

export function decisionInputOf(call: RecordedCall, task: TaskInfo): DecisionInput {
  const r = call.request;
  return {
    task,
    identified: identifiedOf(call),
    mapping: mappingOf(call),
    sourceIp: r.sourceIp,
    now: new Date(call.ts),
    request: { method: r.method, rawUrl: r.target },
  };
}

/** The condition keys the gateway built for this call when it decided it. */
export function contextOf(call: RecordedCall, task: TaskInfo): RequestContext {
  return conditionContext(decisionInputOf(call, task));
}
