import type { Rng } from './policy-gen-rng';

/**
 * Request actions and ARNs for the differential test, and policy Action/Resource patterns
 * derived from them (so that statements often, but not always, apply). Every action is a real
 * IAM action whose resource type matches the generated ARN, because the oracle validates both.
 */

export const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;

interface ActionSpec {
  readonly action: string;
  /** Undefined for wildcard-only actions, whose request resource is `*`. */
  readonly arn?: (rng: Rng) => string;
}

const account = (rng: Rng): string => (rng.chance(0.85) ? ACCOUNT : OTHER_ACCOUNT);
const regional =
  (service: string, resource: (rng: Rng) => string) =>
  (rng: Rng): string =>
    `arn:aws:${service}:${rng.pick(REGIONS)}:${account(rng)}:${resource(rng)}`;

const BUCKETS = ['data-prod', 'data-dev', 'logs'];
const KEYS = ['a.txt', 'reports/2024/q1.csv', 'home/alice/notes.md', 'home/bob/x.json', 'home/Alice/y'];
const s3Object = (rng: Rng): string => `arn:aws:s3:::${rng.pick(BUCKETS)}/${rng.pick(KEYS)}`;
const s3Bucket = (rng: Rng): string => `arn:aws:s3:::${rng.pick(BUCKETS)}`;
const table = regional('dynamodb', (r) => `table/${r.pick(['orders', 'orders-archive', 'users', 'alice'])}`);
const fn = regional('lambda', (r) => `function:${r.pick(['upload', 'upload-v2', 'resize', 'alice'])}`);
const queue = regional('sqs', (r) => r.pick(['jobs', 'jobs-dlq', 'events']));
const topic = regional('sns', (r) => r.pick(['alerts', 'alerts-prod']));
const param = regional(
  'ssm',
  (r) => `parameter/${r.pick(['app/db/password', 'app/api-key', 'alice/token'])}`,
);
const secret = regional('secretsmanager', (r) => `secret:${r.pick(['db-pass', 'api', 'alice'])}-AbCdEf`);
const instance = regional('ec2', (r) => `instance/${r.pick(['i-0abc123', 'i-0def456'])}`);
const logStream = regional(
  'logs',
  (r) =>
    `log-group:${r.pick(['/aws/lambda/upload', 'app', 'alice'])}:log-stream:${r.pick(['s1', '2024/05/01'])}`,
);
const role = (rng: Rng): string =>
  `arn:aws:iam::${account(rng)}:role/${rng.pick(['deployer', 'app/worker', 'alice'])}`;

export const ACTIONS: readonly ActionSpec[] = [
  { action: 's3:GetObject', arn: s3Object },
  { action: 's3:PutObject', arn: s3Object },
  { action: 's3:DeleteObject', arn: s3Object },
  { action: 's3:ListBucket', arn: s3Bucket },
  { action: 's3:GetBucketPolicy', arn: s3Bucket },
  { action: 'dynamodb:GetItem', arn: table },
  { action: 'dynamodb:PutItem', arn: table },
  { action: 'dynamodb:Query', arn: table },
  { action: 'lambda:InvokeFunction', arn: fn },
  { action: 'lambda:GetFunction', arn: fn },
  { action: 'sqs:SendMessage', arn: queue },
  { action: 'sqs:ReceiveMessage', arn: queue },
  { action: 'sns:Publish', arn: topic },
  { action: 'ssm:GetParameter', arn: param },
  { action: 'secretsmanager:GetSecretValue', arn: secret },
  { action: 'ec2:TerminateInstances', arn: instance },
  { action: 'logs:CreateLogStream', arn: logStream },
  { action: 'iam:GetRole', arn: role },
  { action: 'iam:PassRole', arn: role },
  { action: 's3:ListAllMyBuckets' },
  { action: 'dynamodb:ListTables' },
  { action: 'lambda:ListFunctions' },
  { action: 'ec2:DescribeInstances' },
  { action: 'ecr:GetAuthorizationToken' },
];

export function anyArn(rng: Rng): string {
  const spec = rng.pick(ACTIONS.filter((a) => a.arn !== undefined));
  return spec.arn?.(rng) ?? '*';
}

/** An Action pattern related to `action` (exact, case-shifted, wildcarded) or unrelated. */
export function actionPattern(rng: Rng, action: string): string {
  const [service = '', name = ''] = action.split(':');
  switch (rng.int(9)) {
    case 0:
      return action;
    case 1:
      return `${service.toUpperCase()}:${name.toLowerCase()}`;
    case 2:
      return `${service}:*`;
    case 3:
      return `${service}:${name.slice(0, 1 + rng.int(name.length))}*`;
    case 4:
      return `${service}:*${name.slice(rng.int(name.length))}`;
    case 5:
      return `${service}:${questionMarks(rng, name)}`;
    case 6:
      return '*';
    case 7:
      return `${service}:${name.slice(0, 2)}*${name.slice(-2)}`;
    default:
      return rng.pick(ACTIONS).action;
  }
}

function questionMarks(rng: Rng, s: string): string {
  return [...s].map((c) => (rng.chance(0.2) ? '?' : c)).join('');
}

export interface PatternOptions {
  readonly variables: boolean;
  /** Short ARNs are only generated for Resource (the oracle treats them specially in NotResource). */
  readonly allowShort: boolean;
}

/**
 * A Resource pattern derived from `arn` (or from another ARN). Wildcards stay out of the
 * "product" prefix of the resource part (`table/`, `function:`), where the oracle matches
 * literally and IAM documents wildcards as unsupported.
 */
export function resourcePattern(rng: Rng, arn: string, opts: PatternOptions): string {
  const base = arn === '*' || rng.chance(0.2) ? anyArn(rng) : arn;
  const f = base.split(':');
  const head = f.slice(0, 5);
  const rest = f.slice(5).join(':');
  const productLen = productLength(f[2] ?? '', rest);
  const product = rest.slice(0, productLen);
  const tail = rest.slice(productLen);
  const roll = rng.int(12);
  if (roll === 0) return '*';
  if (roll === 1 && opts.allowShort) return head.slice(0, 2 + rng.int(3)).join(':');
  // The oracle only treats S3 ARNs as product-less while region and account stay empty.
  const s3 = f[2] === 's3';
  if (roll === 2 && !s3) head[3] = rng.pick(['*', 'us-*', '?s-east-1', 'eu-*-1']);
  if (roll === 3 && !s3) head[4] = rng.pick(['*', '123*', '12345678901?']);
  if (roll === 4 && !s3) head[2] = '*';
  const newTail =
    opts.variables && rng.chance(0.25) && (productLen > 0 || s3) ? varTail(rng, tail) : mutate(rng, tail);
  return `${head.join(':')}:${product}${newTail}`;
}

/** Length of the resource-type prefix (`table/`, `function:`); S3 and name-only ARNs have none. */
function productLength(service: string, rest: string): number {
  if (service === 's3') return 0;
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  const cut = slash < 0 ? colon : colon < 0 ? slash : Math.min(slash, colon);
  return cut < 0 ? 0 : cut + 1;
}

function mutate(rng: Rng, tail: string): string {
  switch (rng.int(7)) {
    case 0:
      return '*';
    case 1:
      return `${tail.slice(0, rng.int(tail.length + 1))}*`;
    case 2:
      return `*${tail.slice(rng.int(tail.length + 1))}`;
    case 3:
      return questionMarks(rng, tail);
    case 4:
      return `${tail.slice(0, 2)}*${tail.slice(-2)}`;
    default:
      return tail;
  }
}

function varTail(rng: Rng, tail: string): string {
  const slash = tail.indexOf('/');
  const prefix = slash >= 0 ? tail.slice(0, slash + 1) : '';
  const v = rng.pick([
    '${aws:username}',
    '${aws:PrincipalTag/team}',
    "${aws:PrincipalTag/team, 'alice'}",
    '${*}',
  ]);
  return rng.pick([`${prefix}${v}`, `${prefix}home/${v}/*`, `${prefix}${v}*`, v]);
}
