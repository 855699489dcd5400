/**
 * Which operations still decide on `*` although the Service Authorization Reference names the
 * resource they act on. Every operation of every model is built by the aws-sdk v2 client with a
 * value in every member, identified, and mapped; an operation is "unnamed" when the reference
 * lists resource types for its action but no ARN the mapping produced names one. A deny rule on
 * such a resource never matches, so the list may only shrink: its size is capped by a checked-in
 * number, and every entry of the services the mapping was reviewed for carries its reason.
 */
import { GatewayError } from '../../gateway/errors/gateway-error';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import { mapToIam } from '../../gateway/aws/iam-map';
import { awsModel } from '../../gateway/aws/model';
import {
  hasShapeOf,
  namesResource,
  prefixTypes,
  referenceTypes,
  sampleArnOf,
  type ReferenceType,
} from './support/iam-reference';
import {
  SAMPLE_ACCOUNT,
  SAMPLE_REGION,
  sampleRequests,
  type StringSample,
} from './support/sdk-sample-requests';
import { UNNAMED_REASONS } from './support/unnamed-reasons';

/** The size of the list today. Lower it when the mapping names more; never raise it. */
const MAX_UNNAMED = 3894;

/** Model services reviewed operation by operation: each unnamed entry needs a written reason. */
const REVIEWED = new Set([
  'ec2',
  'route53',
  'eventbridge',
  'cloudwatchevents',
  'kinesis',
  'stepfunctions',
  'cognitoidentityserviceprovider',
]);

/**
 * The type a sample ARN member gets where its name does not say (`EventSourceArn` of
 * CreateArchive is an event bus, of StartReplay an archive).
 */
const ARN_MEMBER_TYPES: Readonly<Record<string, string>> = {
  'events.CreateArchive.EventSourceArn': 'event-bus',
  'events.StartReplay.EventSourceArn': 'archive',
  'events.StartReplay.Arn': 'event-bus',
};

/** Members whose value is an enum the mapping reads (`/tags/{ResourceType}/{ResourceId}`). */
const VALUES: Readonly<Record<string, string>> = {
  'route53.ResourceType': 'hostedzone',
  'wafv2.Scope': 'REGIONAL',
  // EC2 members that mix resource types, placed by id prefix.
  'ec2.Resources': 'i-0123456789abcdef0',
  'ec2.ResourceIds': 'vpc-0123456789abcdef0',
  'ec2.Source': 'i-0123456789abcdef0',
  'ec2.Destination': 'igw-0123456789abcdef0',
};

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * ARN members get an ARN of the type their name says (`StreamARN` → stream), of the action's
 * first type for a generic name (`ResourceArn`), else of another service (a role); every other
 * string member gets a plain name.
 */
function sampler(prefix: string, operation: string): StringSample {
  const own = prefixTypes(prefix);
  const actionTypes = referenceTypes(`${prefix}:${operation}`) ?? [];
  return (member, path) => {
    const value = VALUES[`${prefix}.${member}`];
    if (value !== undefined) return value;
    if (!/arns?$/i.test(member)) return `x${member}`;
    const forced = ARN_MEMBER_TYPES[`${prefix}.${operation}.${path.join('.')}`];
    const hint = norm(member.replace(/arns?$/i, ''));
    const t: ReferenceType | undefined =
      (forced !== undefined ? own.find((x) => x.key === forced) : undefined) ??
      own.find((x) => norm(x.key) === hint) ??
      (['', 'resource', 'resources'].includes(hint) ? actionTypes[0] : undefined);
    return t === undefined
      ? `arn:aws:iam::${SAMPLE_ACCOUNT}:role/x${member}`
      : sampleArnOf(t, SAMPLE_ACCOUNT, SAMPLE_REGION);
  };
}

interface Unnamed {
  readonly key: string;
  readonly reason: string | undefined;
  readonly types: string;
}

void test('operations whose resource the reference names but the mapping leaves as *', () => {
  const unnamed: Unnamed[] = [];
  const misshapen: string[] = [];
  const perService = new Map<string, number>();
  let checked = 0;
  let unidentified = 0;
  for (const svc of awsModel().services) {
    if (svc.bearer) continue;
    for (const { operation, view } of sampleRequests(svc, (op) => sampler(svc.iamPrefix, op))) {
      const id = identify(view);
      if (id.service !== svc.id || id.operation !== operation) {
        unidentified++;
        continue;
      }
      let mapping: ReturnType<typeof mapToIam>;
      try {
        mapping = mapToIam(id, { accountId: SAMPLE_ACCOUNT });
      } catch (e) {
        // Refused for unreadable sample input (a PartiQL "string"): never decided on `*` either.
        if (e instanceof GatewayError) continue;
        throw e;
      }
      checked++;
      let referenceNames = false;
      let named = false;
      const types: string[] = [];
      for (const req of mapping.requirements) {
        const ref = referenceTypes(req.action);
        if (ref === undefined || ref.length === 0) continue;
        referenceNames = true;
        types.push(...ref.map((t) => t.key));
        for (const r of req.resources) {
          if (r === '*') continue;
          if (namesResource(r, ref)) named = true;
          if (REVIEWED.has(svc.id) && !hasShapeOf(r, ref))
            misshapen.push(`${svc.id}.${operation}: ${req.action} on ${r}`);
        }
      }
      if (!referenceNames || named) continue;
      const key = `${svc.id}.${operation}`;
      unnamed.push({ key, reason: UNNAMED_REASONS[key], types: [...new Set(types)].join(', ') });
      perService.set(svc.id, (perService.get(svc.id) ?? 0) + 1);
    }
  }
  const counts = [...perService].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  console.log(
    `unnamed resources: ${unnamed.length} of ${checked} operations (${unidentified} not identified as built); per service:\n  ${counts
      .map(([s, n]) => `${s} ${n}`)
      .join('\n  ')}`,
  );
  const reviewed = unnamed.filter((u) => REVIEWED.has(u.key.split('.')[0] ?? ''));
  console.log(
    `reviewed services, still unnamed:\n  ${reviewed.map((u) => `${u.key} [${u.types}]: ${u.reason ?? 'NO REASON'}`).join('\n  ')}`,
  );
  assert.deepEqual(misshapen, [], 'ARNs that have the shape of none of their action resource types');
  assert.deepEqual(
    reviewed.filter((u) => u.reason === undefined).map((u) => `${u.key} [${u.types}]`),
    [],
    'reviewed services: unnamed operations without a reason',
  );
  const stale = Object.keys(UNNAMED_REASONS).filter((k) => !unnamed.some((u) => u.key === k));
  assert.deepEqual(stale, [], 'reasons for operations that are named now: remove them');
  assert.ok(checked > 15000, `only ${checked} operations checked`);
  assert.ok(unnamed.length <= MAX_UNNAMED, `${unnamed.length} unnamed, more than the ${MAX_UNNAMED} allowed`);
});
