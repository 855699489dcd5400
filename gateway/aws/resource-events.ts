import {
  isArn,
  need,
  record,
  regionalArn,
  str,
  type ArnScope,
  type Params,
  type ServiceMapper,
} from './iam-arn';
import { templateResources, values } from './resource-template';
import type { IamRequirement } from './types';

/**
 * EventBridge (models `eventbridge` and `cloudwatchevents`, IAM prefix `events`). A rule's ARN
 * depends on its bus: `rule/{name}` on the default bus, `rule/{bus}/{name}` on any other, and the
 * bus may be given by name or ARN (whose account and region then win). A call without a bus acts
 * on the default one. Everything else (archives, replays, connections, API destinations,
 * endpoints, tags) is the reference's formats filled from the request (resource-template.ts).
 */

const PLAIN = /^[^\s/:*?]+$/;

/** The bus a call names, as an ARN; the default bus when it names none. */
export function eventBusArn(s: ArnScope, bus: string | undefined): string | undefined {
  if (bus === undefined || bus === '') return regionalArn(s, 'events', 'event-bus/default');
  if (isArn(bus)) return /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/[^/]+$/.test(bus) ? bus : undefined;
  return PLAIN.test(bus) ? regionalArn(s, 'events', `event-bus/${bus}`) : undefined;
}

export function ruleArn(s: ArnScope, bus: string | undefined, rule: string): string | undefined {
  const busArn = eventBusArn(s, bus);
  if (busArn === undefined || !PLAIN.test(rule)) return undefined;
  const i = busArn.indexOf(':event-bus/');
  const name = busArn.slice(i + ':event-bus/'.length);
  return `${busArn.slice(0, i)}:rule/${name === 'default' ? '' : `${name}/`}${rule}`;
}

/** Operations on one rule, and the member that names it. */
const RULE_MEMBER: Readonly<Record<string, string>> = {
  PutRule: 'Name',
  DeleteRule: 'Name',
  DescribeRule: 'Name',
  EnableRule: 'Name',
  DisableRule: 'Name',
  PutTargets: 'Rule',
  RemoveTargets: 'Rule',
  ListTargetsByRule: 'Rule',
};

/** Operations on one bus whose `Name` may be left out for the default bus. */
const BUS_BY_NAME = new Set(['CreateEventBus', 'DeleteEventBus', 'DescribeEventBus', 'UpdateEventBus']);

/** Rules and targets act with a role that IAM authorizes as iam:PassRole. */
function passedRoles(op: string, p: Params): string[] {
  if (op === 'PutRule') return values(p, 'RoleArn');
  if (op !== 'PutTargets') return [];
  const targets = p['Targets'];
  return (Array.isArray(targets) ? targets : [])
    .map((t) => str(record(t) ?? {}, 'RoleArn'))
    .filter((r): r is string => r !== undefined);
}

function named(op: string, p: Params, s: ArnScope): Array<string | undefined> | undefined {
  const member = RULE_MEMBER[op];
  if (member !== undefined) {
    const rule = str(p, member);
    return [rule === undefined ? undefined : ruleArn(s, str(p, 'EventBusName'), rule)];
  }
  if (BUS_BY_NAME.has(op)) return [eventBusArn(s, str(p, 'Name'))];
  switch (op) {
    case 'PutEvents': {
      // Each entry goes to its own bus (the default one when it names none).
      const entries = p['Entries'];
      if (!Array.isArray(entries) || entries.length === 0) return [undefined];
      return entries.map((e) => eventBusArn(s, str(record(e) ?? {}, 'EventBusName')));
    }
    case 'PutPermission':
    case 'RemovePermission':
      // Not resource-scoped in the reference, but it rewrites the named bus's policy: a deny
      // written for that bus should stop it.
      return [eventBusArn(s, str(p, 'EventBusName'))];
    case 'StartReplay': {
      const destination = str(record(p['Destination']) ?? {}, 'Arn');
      return [destination === undefined ? undefined : eventBusArn(s, destination)];
    }
  }
  return undefined;
}

export const mapEvents: ServiceMapper = (op, p, s, service) => {
  // A bus or rule the gateway cannot place stays in the list as `*`: only a scope that grants
  // every resource allows the call, and a deny on the resources it could place still matches.
  const resources = [
    ...(named(op, p, s) ?? []).map((r) => r ?? '*'),
    ...templateResources({ service, iamPrefix: 'events', operation: op, action: op }, p, s),
  ];
  const out: IamRequirement[] = [need(`events:${op}`, ...new Set(resources))];
  const roles = passedRoles(op, p);
  if (roles.length > 0) out.push(need('iam:PassRole', ...new Set(roles)));
  return out;
};
