import { isArn, need, str, type ServiceMapper } from './iam-arn';
import { resourceCatalogue } from './iam-resources';
import { templateResources, type TemplateOptions } from './resource-template';

/**
 * Kinesis Data Streams. Streams are named by `StreamName` or `StreamARN` (both, when a client
 * sends both: the call needs each), consumers by `ConsumerARN` or by `StreamARN` plus
 * `ConsumerName`, whose ARN then ends in a creation timestamp only AWS knows
 * (`stream/s/consumer/c:*`, matched by policies written for the consumer). The shard-count,
 * stream-mode and monitoring calls are not resource-scoped in the reference, but they change the
 * named stream: they are scoped to it, so a deny on the stream stops them.
 */

const STREAM_WIDE = new Set([
  'UpdateShardCount',
  'UpdateStreamMode',
  'EnableEnhancedMonitoring',
  'DisableEnhancedMonitoring',
]);

const ON_STREAM: TemplateOptions = { types: ['stream'] };

export const mapKinesis: ServiceMapper = (op, p, s, service) => {
  const target = { service, iamPrefix: 'kinesis', operation: op, action: op };
  const resources = templateResources(target, p, s, STREAM_WIDE.has(op) ? ON_STREAM : undefined);
  const stream = str(p, 'StreamARN');
  const consumer = str(p, 'ConsumerName');
  const onConsumer = resourceCatalogue()
    .actionTypes('kinesis', op)
    .some((t) => t.key === 'consumer');
  if (onConsumer && str(p, 'ConsumerARN') === undefined && stream !== undefined && consumer !== undefined) {
    const ok = isArn(stream) && /:stream\/[^/]+$/.test(stream) && /^[^\s/:*?]+$/.test(consumer);
    resources.push(ok ? `${stream}/consumer/${consumer}:*` : '*');
  }
  return [need(`kinesis:${op}`, ...new Set(resources))];
};
