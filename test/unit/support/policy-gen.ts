import { genCondition, genContext } from './policy-gen-conditions';
import { actionPattern, ACTIONS, resourcePattern } from './policy-gen-resources';
import { Rng } from './policy-gen-rng';

/**
 * Random but reproducible (seeded) policy/request pairs for the differential test against
 * @cloud-copilot/iam-simulate. Each case is generated from its own seed, so a disagreement can
 * be replayed alone with `generateCase(seed)`.
 *
 * Left out on purpose, because the oracle and IAM (or we) differ there by design or by bug:
 * - wildcards inside the resource-type prefix of a Resource (`ta*le/x`): the oracle matches the
 *   prefix literally, IAM documents wildcards there as unsupported, we glob;
 * - upper-case partition/service/region/account in Resource: the oracle ignores case there, we
 *   match ARNs case-sensitively throughout;
 * - short ARNs (`arn:aws:s3`) in NotResource: the oracle never lets them exclude anything;
 * - `IfExists` together with `ForAnyValue:`: for a missing key the oracle returns false, IAM
 *   documents IfExists as true for a missing key;
 * - `${*}` inside StringEquals: the oracle keeps it as the literal text `${*}`;
 * - policy variables outside Version 2012-10-17: the oracle substitutes them anyway, IAM (and
 *   we) treat them as literal text;
 * - epoch and ISO dates mixed in one comparison: the oracle compares epoch seconds with
 *   milliseconds; IPv4 `/0` blocks: the oracle's mask arithmetic turns /0 into /32;
 * - empty-string context values used as variables (the oracle treats '' as unresolved),
 *   `?`/`*` inside request ARNs;
 * - IP addresses without a prefix length in IpAddress/NotIpAddress: the oracle compares them as
 *   strings and never lets an address of the other family be "not in" them (we use /32, /128);
 * - a specific ARN request for a wildcard-only action (the oracle rejects it as invalid input);
 * - sts:GetCallerIdentity: the oracle allows it whatever the policy says (as AWS does); the
 *   gateway decides that exception outside the evaluator.
 */

export interface GeneratedCase {
  readonly seed: number;
  readonly policy: { Version?: string; Statement: unknown };
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

export function generateCase(seed: number): GeneratedCase {
  const rng = new Rng(seed);
  const spec = rng.pick(ACTIONS);
  const action = spec.action;
  const resource = spec.arn?.(rng) ?? '*';
  const version = rng.chance(0.85) ? '2012-10-17' : rng.pick(['2008-10-17', undefined]);
  const variables = version === '2012-10-17';
  const statements = rng.some(4, () => genStatement(rng, action, resource, variables));
  const policy: { Version?: string; Statement: unknown } = {
    Statement: statements.length === 1 && rng.chance(0.3) ? statements[0] : statements,
  };
  if (version !== undefined) policy.Version = version;
  return { seed, policy, action, resource, context: genContext(rng, action) };
}

function genStatement(
  rng: Rng,
  action: string,
  resource: string,
  variables: boolean,
): Record<string, unknown> {
  const st: Record<string, unknown> = {};
  if (rng.chance(0.4)) st['Sid'] = `S${rng.int(1000)}`;
  st['Effect'] = rng.chance(0.65) ? 'Allow' : 'Deny';
  const notAction = rng.chance(0.2);
  st[notAction ? 'NotAction' : 'Action'] = listOrOne(rng, () => actionPattern(rng, action));
  const notResource = rng.chance(0.2);
  st[notResource ? 'NotResource' : 'Resource'] = listOrOne(rng, () =>
    resourcePattern(rng, resource, { variables, allowShort: !notResource }),
  );
  if (rng.chance(0.55)) st['Condition'] = genCondition(rng, variables);
  return st;
}

function listOrOne(rng: Rng, gen: () => string): string | string[] {
  const items = rng.some(3, gen);
  return items.length === 1 && rng.chance(0.5) ? (items[0] ?? '*') : items;
}
