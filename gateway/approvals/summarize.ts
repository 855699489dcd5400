/**
 * One line a person can decide on in a notification: "Create IAM role deploy-bot trusted by
 * lambda.amazonaws.com", "Delete S3 bucket prod-data", "Terminate EC2 instances i-1, i-2".
 * Curated for the operations the default policy asks about; anything else gets a generic line
 * built from the operation name and the resources.
 */

export interface SummaryInput {
  /** IAM service prefix (`iam`, `s3`, `ec2`). */
  readonly iamPrefix: string;
  readonly operation?: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The IAM action the approval is about and its resources. */
  readonly action: string;
  readonly resources: readonly string[];
  /**
   * The raw method and path (`POST /2015-03-31/functions/a/../b/invocations`), given for a call
   * the gateway could not identify: then it is all a person can judge the call by.
   */
  readonly request?: string;
}

type Params = Readonly<Record<string, unknown>>;
type Summarizer = (p: Params) => string | undefined;

const MAX = 200;

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str).filter((s): s is string => s !== undefined);
  const s = str(v);
  return s === undefined ? [] : [s];
}

/** `a, b, c and 4 more`. */
function few(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Who a trust policy lets assume the role: services, accounts, federated providers. */
function trustedBy(doc: unknown): string | undefined {
  let parsed: unknown;
  try {
    parsed = typeof doc === 'string' ? JSON.parse(decodeMaybe(doc)) : doc;
  } catch {
    return undefined;
  }
  const statements = (parsed as { Statement?: unknown } | null)?.Statement;
  const out: string[] = [];
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    const s = st as { Effect?: unknown; Principal?: unknown } | undefined;
    if (s?.Effect !== 'Allow') continue;
    const p = s.Principal;
    if (p === '*') out.push('anyone (*)');
    else if (p && typeof p === 'object')
      for (const v of Object.values(p as Record<string, unknown>)) out.push(...list(v));
  }
  return out.length > 0 ? few([...new Set(out)]) : undefined;
}

function decodeMaybe(s: string): string {
  if (!s.startsWith('%7B') && !s.startsWith('%7b')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function named(verb: string, what: string, key: string): Summarizer {
  return (p) => {
    const n = str(p[key]);
    return n === undefined ? undefined : `${verb} ${what} ${n}`;
  };
}

const CURATED: Readonly<Record<string, Summarizer>> = {
  'iam:CreateRole': (p) => {
    const name = str(p.RoleName);
    if (name === undefined) return undefined;
    const who = trustedBy(p.AssumeRolePolicyDocument);
    return `Create IAM role ${name}${who ? ` trusted by ${who}` : ''}`;
  },
  'iam:DeleteRole': named('Delete', 'IAM role', 'RoleName'),
  'iam:AttachRolePolicy': (p) =>
    str(p.RoleName) && `Attach policy ${str(p.PolicyArn) ?? '?'} to IAM role ${str(p.RoleName)}`,
  'iam:DetachRolePolicy': (p) =>
    str(p.RoleName) && `Detach policy ${str(p.PolicyArn) ?? '?'} from IAM role ${str(p.RoleName)}`,
  'iam:PutRolePolicy': (p) =>
    str(p.RoleName) && `Put inline policy ${str(p.PolicyName) ?? '?'} on IAM role ${str(p.RoleName)}`,
  'iam:AttachUserPolicy': (p) =>
    str(p.UserName) && `Attach policy ${str(p.PolicyArn) ?? '?'} to IAM user ${str(p.UserName)}`,
  'iam:UpdateAssumeRolePolicy': (p) => {
    const name = str(p.RoleName);
    const who = trustedBy(p.PolicyDocument);
    return name && `Change who may assume IAM role ${name}${who ? ` (now: ${who})` : ''}`;
  },
  'iam:CreateUser': named('Create', 'IAM user', 'UserName'),
  'iam:DeleteUser': named('Delete', 'IAM user', 'UserName'),
  'iam:CreateAccessKey': (p) => `Create an access key for IAM user ${str(p.UserName) ?? '(the caller)'}`,
  'iam:CreatePolicy': named('Create', 'IAM policy', 'PolicyName'),
  's3:DeleteBucket': named('Delete', 'S3 bucket', 'Bucket'),
  's3:DeleteObject': (p) => str(p.Bucket) && `Delete s3://${str(p.Bucket)}/${str(p.Key) ?? ''}`,
  's3:DeleteObjects': named('Delete objects in', 'S3 bucket', 'Bucket'),
  's3:PutBucketPolicy': (p) => str(p.Bucket) && `Replace the bucket policy of S3 bucket ${str(p.Bucket)}`,
  's3:DeleteBucketPolicy': (p) => str(p.Bucket) && `Remove the bucket policy of S3 bucket ${str(p.Bucket)}`,
  's3:PutObject': (p) => str(p.Bucket) && `Upload s3://${str(p.Bucket)}/${str(p.Key) ?? ''}`,
  'ec2:TerminateInstances': (p) => {
    const ids = list(p.InstanceId ?? p.InstanceIds);
    return ids.length > 0 ? `Terminate EC2 instance${ids.length > 1 ? 's' : ''} ${few(ids)}` : undefined;
  },
  'ec2:AuthorizeSecurityGroupIngress': (p) =>
    `Allow inbound traffic to security group ${str(p.GroupId) ?? str(p.GroupName) ?? '?'}${str(p.CidrIp) ? ` from ${str(p.CidrIp)}` : ''}`,
  'ec2:AuthorizeSecurityGroupEgress': (p) =>
    `Allow outbound traffic from security group ${str(p.GroupId) ?? '?'}`,
  'ec2:RevokeSecurityGroupIngress': (p) =>
    `Remove inbound rules of security group ${str(p.GroupId) ?? str(p.GroupName) ?? '?'}`,
  'ec2:DeleteSecurityGroup': (p) => `Delete security group ${str(p.GroupId) ?? str(p.GroupName) ?? '?'}`,
  'ec2:DeleteVolume': named('Delete', 'EBS volume', 'VolumeId'),
  'ec2:DeleteSnapshot': named('Delete', 'EBS snapshot', 'SnapshotId'),
  'dynamodb:DeleteTable': named('Delete', 'DynamoDB table', 'TableName'),
  'rds:DeleteDBInstance': (p) =>
    str(p.DBInstanceIdentifier) &&
    `Delete RDS instance ${str(p.DBInstanceIdentifier)}${p.SkipFinalSnapshot === true || p.SkipFinalSnapshot === 'true' ? ' without a final snapshot' : ''}`,
  'rds:DeleteDBCluster': named('Delete', 'RDS cluster', 'DBClusterIdentifier'),
  'kms:ScheduleKeyDeletion': (p) =>
    str(p.KeyId) &&
    `Schedule deletion of KMS key ${str(p.KeyId)}${str(p.PendingWindowInDays) ? ` in ${str(p.PendingWindowInDays)} days` : ''}`,
  'kms:DisableKey': named('Disable', 'KMS key', 'KeyId'),
  'secretsmanager:DeleteSecret': (p) =>
    str(p.SecretId) &&
    `Delete secret ${str(p.SecretId)}${p.ForceDeleteWithoutRecovery === true ? ' without recovery' : ''}`,
  'lambda:DeleteFunction': named('Delete', 'Lambda function', 'FunctionName'),
  'logs:DeleteLogGroup': named('Delete', 'log group', 'logGroupName'),
  'sqs:DeleteQueue': named('Delete', 'SQS queue', 'QueueUrl'),
  'sqs:PurgeQueue': named('Purge every message of', 'SQS queue', 'QueueUrl'),
  'sns:DeleteTopic': named('Delete', 'SNS topic', 'TopicArn'),
  'cloudformation:DeleteStack': named('Delete', 'CloudFormation stack', 'StackName'),
  'sts:AssumeRole': (p) => str(p.RoleArn) && `Get credentials for role ${str(p.RoleArn)}`,
};

/** `CreateRole` → `Create role`. */
function words(operation: string): string {
  const w = operation.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return w.charAt(0) + w.slice(1).toLowerCase();
}

function shortResource(arn: string): string {
  if (arn === '*') return arn;
  const parts = arn.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') || arn : arn;
}

export function summarize(input: SummaryInput): string {
  const op = input.operation;
  if (op === undefined && input.request !== undefined) {
    const line = `Unidentified ${input.iamPrefix} call: ${input.request}`;
    return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
  }
  const curated = op === undefined ? undefined : CURATED[`${input.iamPrefix}:${op}`];
  let line: string | undefined;
  try {
    line = curated?.(input.params) || undefined;
  } catch {
    line = undefined;
  }
  if (line === undefined) {
    const what = op ? `${words(op)} (${input.iamPrefix})` : input.action;
    const targets = input.resources.filter((r) => r !== '*').map(shortResource);
    line = targets.length > 0 ? `${what}: ${few(targets)}` : what;
  }
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}
