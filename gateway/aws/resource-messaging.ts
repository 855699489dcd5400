import { isArn, need, regionalArn, str, strList, type ArnScope, type ServiceMapper } from './iam-arn';
import type { IamRequirement } from './types';

/** SQS, SNS, CloudWatch Logs and CloudFormation. */

/** Batch APIs are authorized as their single-message action. */
const SQS_RENAMES: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/**
 * A queue URL (`https://sqs.us-east-1.amazonaws.com/123456789012/jobs`) carries the account and
 * the queue name; the region comes from the URL when it names one.
 */
export function queueArn(s: ArnScope, queueUrl: string): string | undefined {
  if (isArn(queueUrl)) return queueUrl;
  const m = /^(?:https?:\/\/([^/]+))?\/(\d{12})\/([^/?#]+)\/?$/.exec(queueUrl);
  if (m === null) return undefined;
  const region =
    /(?:^|\.)sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(m[1] ?? '')?.[1] ??
    /^([a-z0-9-]+)\.queue\.amazonaws\.com/.exec(m[1] ?? '')?.[1];
  return regionalArn({ ...s, region: region ?? s.region }, 'sqs', m[3] ?? '', m[2]);
}

export const mapSqs: ServiceMapper = (op, p, s) => {
  const action = `sqs:${SQS_RENAMES[op] ?? op}`;
  const url = str(p, 'QueueUrl');
  if (url !== undefined) return [need(action, queueArn(s, url))];
  const name = str(p, 'QueueName');
  const owner = str(p, 'QueueOwnerAWSAccountId');
  return [need(action, name === undefined ? undefined : regionalArn(s, 'sqs', name, owner ?? s.account))];
};

export const mapSns: ServiceMapper = (op, p, s) => {
  const action = `sns:${op === 'PublishBatch' ? 'Publish' : op}`;
  const name = op === 'CreateTopic' ? str(p, 'Name') : undefined;
  const topic =
    str(p, 'TopicArn', 'TargetArn', 'ResourceArn') ??
    (name === undefined ? undefined : regionalArn(s, 'sns', name));
  return [need(action, topic)];
};

/** Actions authorized on a log stream rather than its group. */
const LOG_STREAM_ACTIONS = new Set(['CreateLogStream', 'PutLogEvents', 'GetLogEvents', 'DeleteLogStream']);

export function logGroupArn(s: ArnScope, group: string): string {
  return isArn(group) ? group.replace(/:\*$/, '') : regionalArn(s, 'logs', `log-group:${group}`);
}

export const mapLogs: ServiceMapper = (op, p, s) => {
  const group = str(p, 'logGroupName', 'logGroupIdentifier');
  const groups = [
    ...(group === undefined ? [] : [group]),
    ...strList(p, 'logGroupNames'),
    ...strList(p, 'logGroupIdentifiers'),
  ];
  if (groups.length === 0) return [need(`logs:${op}`, str(p, 'resourceArn'))];
  const stream = str(p, 'logStreamName');
  const arns = groups.map((g) => {
    const base = logGroupArn(s, g);
    if (!LOG_STREAM_ACTIONS.has(op)) return base;
    return `${base}:log-stream:${stream ?? '*'}`;
  });
  return [need(`logs:${op}`, ...arns)];
};

/** Operations that let CloudFormation act with a service role, authorized as iam:PassRole. */
const CFN_PASSES_ROLE = new Set(['CreateStack', 'UpdateStack', 'DeleteStack', 'CreateChangeSet']);

/**
 * A stack named by name is `stack/{name}/*`: the stack id suffix is only known to AWS, and the
 * literal `*` is matched by policies written for the stack (`stack/name/*`), not by others.
 */
export function stackArn(s: ArnScope, stack: string): string {
  return isArn(stack) ? stack : regionalArn(s, 'cloudformation', `stack/${stack}/*`);
}

export const mapCloudFormation: ServiceMapper = (op, p, s) => {
  const stack = str(p, 'StackName');
  const out: IamRequirement[] = [
    need(`cloudformation:${op}`, stack === undefined ? undefined : stackArn(s, stack)),
  ];
  const role = str(p, 'RoleARN');
  if (CFN_PASSES_ROLE.has(op) && role !== undefined) out.push(need('iam:PassRole', role));
  return out;
};
