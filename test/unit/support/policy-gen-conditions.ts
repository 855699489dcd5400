import type { Rng } from './policy-gen-rng';
import { ACCOUNT, anyArn, REGIONS } from './policy-gen-resources';

/**
 * Condition blocks and matching request contexts. Policy values and request values come from
 * the same small pools so that conditions hold about half the time.
 */

type Kind = 'string' | 'date' | 'epoch' | 'numeric' | 'ip' | 'bool' | 'arn' | 'array';

interface KeySpec {
  readonly key: string;
  readonly kind: Kind;
  /** Values a request may carry. */
  readonly request: (rng: Rng) => string | string[];
  /** Values a policy may test against (before operator-specific mutation). */
  readonly policy: readonly string[];
  /** Only some actions carry the key (the oracle drops keys the action does not support). */
  readonly onlyFor?: string;
}

const USERS = ['alice', 'bob', 'Alice', 'carol'];
const TEAMS = ['orders', 'billing', 'Orders', 'alice'];
const TIMES = [
  '2024-05-01T12:00:00Z',
  '2024-05-01T12:00:00.000Z',
  '2023-12-31T23:59:59Z',
  '2025-06-01T00:00:00Z',
];
const EPOCHS = ['1714564800', '1700000000', '1800000000'];
const PRINCIPALS = [
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  `arn:aws:iam::${ACCOUNT}:role/deployer`,
  `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/session1`,
];
const TAG_KEYS = ['env', 'team', 'cost-center', 'Owner'];

export const KEYS: readonly KeySpec[] = [
  {
    key: 'aws:RequestedRegion',
    kind: 'string',
    request: (r) => r.pick(REGIONS),
    policy: [...REGIONS, 'US-EAST-1'],
  },
  { key: 'aws:username', kind: 'string', request: (r) => r.pick(USERS), policy: USERS },
  { key: 'aws:PrincipalTag/team', kind: 'string', request: (r) => r.pick(TEAMS), policy: TEAMS },
  {
    key: 's3:prefix',
    kind: 'string',
    request: (r) => r.pick(['home/alice/', 'home/bob/', 'reports/', 'home/']),
    policy: ['home/alice/', 'home/', 'reports/'],
    onlyFor: 's3:ListBucket',
  },
  { key: 'aws:CurrentTime', kind: 'date', request: (r) => r.pick(TIMES), policy: [...TIMES, '2024-05-01'] },
  { key: 'aws:EpochTime', kind: 'epoch', request: (r) => r.pick(EPOCHS), policy: EPOCHS },
  {
    key: 'aws:MultiFactorAuthAge',
    kind: 'numeric',
    request: (r) => r.pick(['0', '300', '3600', '3600.5']),
    policy: ['300', '3600', '3600.0', '100.5', '7200', '-1'],
  },
  {
    key: 'aws:SourceIp',
    kind: 'ip',
    request: (r) =>
      r.pick(['10.1.2.3', '192.168.0.7', '203.0.113.9', '2001:db8::1', '2001:db8:abcd::5', 'fe80::1']),
    policy: [
      '10.0.0.0/8',
      '10.1.2.3/32',
      '192.168.0.0/16',
      '203.0.113.0/24',
      '0.0.0.0/1',
      '128.0.0.0/1',
      '2001:db8::/32',
      '2001:db8:abcd::/48',
      '::/0',
      'fe80::/10',
      '2001:db8::1/128',
    ],
  },
  {
    key: 'aws:SecureTransport',
    kind: 'bool',
    request: (r) => r.pick(['true', 'false']),
    policy: ['true', 'false', 'TRUE'],
  },
  { key: 'aws:SourceArn', kind: 'arn', request: (r) => anyArn(r), policy: [] },
  { key: 'aws:PrincipalArn', kind: 'arn', request: (r) => r.pick(PRINCIPALS), policy: PRINCIPALS },
  {
    key: 'aws:TagKeys',
    kind: 'array',
    request: (r) => r.subset(TAG_KEYS),
    policy: [...TAG_KEYS, 'OWNER', 'cost-*'],
  },
  {
    key: 'aws:CalledVia',
    kind: 'array',
    request: (r) => r.subset(['athena.amazonaws.com', 'cloudformation.amazonaws.com']),
    policy: ['athena.amazonaws.com', 'cloudformation.amazonaws.com', '*.amazonaws.com'],
  },
];

const STRING_OPS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
];
const OPS: Record<Kind, readonly string[]> = {
  string: STRING_OPS,
  array: STRING_OPS,
  date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  epoch: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  ip: ['IpAddress', 'NotIpAddress'],
  bool: ['Bool'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike', 'StringEquals'],
};

/** A request context: each key present with some probability. */
export function genContext(rng: Rng, action: string): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  for (const spec of KEYS) {
    if (spec.onlyFor !== undefined && spec.onlyFor !== action) continue;
    if (rng.chance(0.7)) ctx[spec.key] = spec.request(rng);
  }
  return ctx;
}

/** A Condition element with 1-3 operators of 1-2 keys each. */
export function genCondition(rng: Rng, variables: boolean): Record<string, Record<string, unknown>> {
  const block: Record<string, Record<string, unknown>> = {};
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const spec = rng.pick(KEYS);
    const operator = pickOperator(rng, spec);
    const entry = (block[operator] ??= {});
    const sameKind = KEYS.filter((k) => k.kind === spec.kind);
    for (const s of [spec, ...(rng.chance(0.3) ? [rng.pick(sameKind)] : [])]) {
      if (s.key in entry) continue;
      const values = rng.some(3, () => policyValue(rng, s, operator, variables));
      entry[s.key] = values.length === 1 && rng.chance(0.6) ? values[0] : values;
    }
  }
  return block;
}

function pickOperator(rng: Rng, spec: KeySpec): string {
  if (rng.chance(0.08)) return 'Null';
  const base = rng.pick(OPS[spec.kind]);
  // Set qualifiers belong on multivalued keys; sometimes use them on single-valued keys and
  // single-valued operators on multivalued keys to cover both conventions.
  const qualify = spec.kind === 'array' ? rng.chance(0.85) : spec.kind === 'string' && rng.chance(0.1);
  if (qualify) return `${rng.pick(['ForAllValues', 'ForAnyValue'])}:${base}`;
  return rng.chance(0.25) ? `${base}IfExists` : base;
}

function policyValue(rng: Rng, spec: KeySpec, operator: string, variables: boolean): string | boolean {
  if (operator === 'Null') return rng.pick(['true', 'false']);
  if (spec.kind === 'bool' && rng.chance(0.3)) return rng.chance(0.5);
  const like = /Like/.test(operator) || /^Arn/.test(operator.replace(/^For\w+:/, ''));
  const stringy = /String|Arn/.test(operator);
  if (variables && stringy && rng.chance(0.15)) return variableValue(rng, spec);
  const pool =
    spec.kind === 'arn' && (spec.policy.length === 0 || rng.chance(0.3)) ? [anyArn(rng)] : spec.policy;
  const value = rng.pick(pool);
  if (!like) return value;
  return spec.kind === 'arn' ? arnWildcard(rng, value) : stringWildcard(rng, value);
}

function variableValue(rng: Rng, spec: KeySpec): string {
  const v = rng.pick(['${aws:username}', '${aws:PrincipalTag/team}', "${aws:PrincipalTag/team, 'orders'}"]);
  if (spec.key === 's3:prefix') return rng.pick([`home/${v}/`, `home/${v}/*`]);
  if (spec.kind === 'arn') return `arn:aws:iam::${ACCOUNT}:user/${v}`;
  return v;
}

function stringWildcard(rng: Rng, v: string): string {
  switch (rng.int(5)) {
    case 0:
      return `${v.slice(0, 1 + rng.int(v.length))}*`;
    case 1:
      return `*${v.slice(rng.int(v.length))}`;
    case 2:
      return [...v].map((c) => (rng.chance(0.2) ? '?' : c)).join('');
    default:
      return v;
  }
}

function arnWildcard(rng: Rng, arn: string): string {
  if (rng.chance(0.4)) return arn;
  const f = arn.split(':');
  const head = f.slice(0, 5);
  const resource = f.slice(5).join(':');
  const i = 1 + rng.int(5);
  if (i === 5) return [...head, stringWildcard(rng, resource)].join(':');
  head[i] = rng.pick(['*', `${(head[i] ?? '').slice(0, 1)}*`]);
  return [...head, resource].join(':');
}
