/**
 * "Copy as AWS CLI command": the `aws` command line that makes the same call as a recorded one,
 * built from what the recording holds (service, operation, region, parameters). Parameter values
 * are as recorded, so masked ones stay masked; a body the gateway streamed unread (an S3 upload)
 * is not in the recording and is left out.
 */

export interface CliCallInput {
  readonly service: string;
  readonly operation?: string;
  readonly protocol?: string;
  readonly region?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * Where the CLI's command name differs from the service id the gateway records (aws-sdk v2's
 * model id): botocore names a few services otherwise, and `aws s3` is the high-level command,
 * the API being `aws s3api`.
 */
const CLI_SERVICE: Readonly<Record<string, string>> = {
  s3: 's3api',
  s3control: 's3control',
  cloudwatchlogs: 'logs',
  cloudwatchevents: 'events',
  eventbridge: 'events',
  cognitoidentityserviceprovider: 'cognito-idp',
  cognitoidentity: 'cognito-identity',
  cognitosync: 'cognito-sync',
  applicationautoscaling: 'application-autoscaling',
  marketplacemetering: 'meteringmarketplace',
  iotdata: 'iot-data',
  ssooidc: 'sso-oidc',
  ssoadmin: 'sso-admin',
  lexruntime: 'lex-runtime',
  lexmodelbuildingservice: 'lex-models',
  elbv2: 'elbv2',
  elb: 'elb',
  stepfunctions: 'stepfunctions',
};

/** Operations whose output is a stream the CLI writes to a file named last on the line. */
const OUTFILE_OPERATIONS: ReadonlySet<string> = new Set([
  's3:GetObject',
  's3:GetObjectTorrent',
  'lambda:InvokeWithResponseStream',
  'lambda:Invoke',
]);

/** botocore's `xform_name` with "-": `DescribeDBInstances` → `describe-db-instances`, `ListARNs` → `list-arns`. */
export function kebabName(name: string): string {
  if (name.includes('-')) return name;
  const special = /[A-Z]{2,}s$/.exec(name);
  const base = special ? `${name.slice(0, -special[0].length)}-${special[0].toLowerCase()}` : name;
  return base
    .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** One shell word, single-quoted unless it is plainly safe (POSIX sh, also zsh and bash). */
export function shellWord(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_./:=@,+%-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type Tree = { [key: string]: Tree | string } | Array<Tree | string>;

/**
 * Query and EC2 bodies are flattened (`Filter.1.Name`, `Tags.member.2.Key`); the recording holds
 * those keys as sent, plus a derived array per numbered family. The CLI takes the structure, so
 * it is rebuilt from the flattened keys; the derived arrays are skipped.
 */
function unflatten(params: Readonly<Record<string, unknown>>, ec2: boolean): Record<string, unknown> {
  const root: Record<string, Tree | string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const segments = key.split('.').filter((s) => s !== 'member');
    let node: Record<string, Tree | string> | Array<Tree | string> = root;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(segments[i + 1]!);
      const slot: string | number = Array.isArray(node) ? Number(segment) - 1 : segment;
      const container = node as Record<string | number, Tree | string>;
      if (last) {
        container[slot] = value;
        return;
      }
      const existing = container[slot];
      if (typeof existing !== 'object') container[slot] = nextIsIndex ? [] : {};
      node = container[slot] as Record<string, Tree | string> | Array<Tree | string>;
    });
  }
  return ec2 ? (pluralLists(root) as Record<string, unknown>) : root;
}

/**
 * EC2's wire names are the singular of the model's list members (`InstanceId.1` is
 * `InstanceIds`, `Filter.1.Value.1` is `Filters[].Values`), and the CLI speaks member names.
 */
function pluralLists(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pluralLists);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[Array.isArray(v) && !k.endsWith('s') ? `${k}s` : k] = pluralLists(v);
  return out;
}

function valueWords(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [shellWord(value)];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  return [shellWord(JSON.stringify(value))];
}

/** The command line, or undefined when the call was not identified (no operation to name). */
export function awsCliCommand(call: CliCallInput): string | undefined {
  if (!call.operation || call.service === 'unknown') return undefined;
  const words = ['aws', CLI_SERVICE[call.service] ?? call.service, kebabName(call.operation)];
  const flat = call.protocol === 'query' || call.protocol === 'ec2';
  const params = flat ? unflatten(call.params ?? {}, call.protocol === 'ec2') : (call.params ?? {});
  for (const [name, value] of Object.entries(params)) {
    const option = `--${kebabName(name)}`;
    if (typeof value === 'boolean') {
      words.push(value ? option : `--no-${kebabName(name)}`);
      continue;
    }
    const v = valueWords(value);
    if (v) words.push(option, ...v);
  }
  if (call.region) words.push('--region', shellWord(call.region));
  if (OUTFILE_OPERATIONS.has(`${call.service}:${call.operation}`)) {
    const key = typeof params.Key === 'string' ? params.Key.split('/').pop() : undefined;
    words.push(shellWord(key || 'outfile'));
  }
  return words.join(' ');
}
