import { need, record, str, type ServiceMapper } from './iam-arn';
import { templateResources, values } from './resource-template';
import type { IamRequirement } from './types';

/**
 * Step Functions. State machines, executions, activities and map runs are named by their ARN
 * members (`stateMachineArn`, `executionArn`...), or by `name` when created. A version or alias
 * ARN (`stateMachine:orders:3`, `stateMachine:orders:live`) is IAM's resource for the call, and
 * the state machine itself is added next to it: a deny written for `stateMachine:orders` stops
 * its versions and aliases too. An alias is created on the versions its routing names.
 */

const QUALIFIED = /^(arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+):[^:]+$/;

/** Creating or updating a state machine hands Step Functions a role: iam:PassRole. */
const PASSES_ROLE = new Set(['CreateStateMachine', 'UpdateStateMachine']);

export const mapStates: ServiceMapper = (op, p, s, service) => {
  const resources = templateResources({ service, iamPrefix: 'states', operation: op, action: op }, p, s);
  if (op === 'CreateStateMachineAlias' || op === 'UpdateStateMachineAlias') {
    const routes = p['routingConfiguration'];
    for (const r of Array.isArray(routes) ? routes : [])
      resources.push(str(record(r) ?? {}, 'stateMachineVersionArn') ?? '*');
  }
  for (const r of [...resources]) {
    const base = QUALIFIED.exec(r)?.[1];
    if (base !== undefined) resources.push(base);
  }
  const out: IamRequirement[] = [need(`states:${op}`, ...new Set(resources))];
  const roles = PASSES_ROLE.has(op) ? values(p, 'roleArn') : [];
  if (roles.length > 0) out.push(need('iam:PassRole', ...roles));
  return out;
};
