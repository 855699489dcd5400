import type { IamRequirement } from './types';

/**
 * Shared vocabulary of the per-service resource builders: where an ARN lives (partition, region,
 * account), how to read identify()'s loosely typed params, and how a requirement is written.
 */

export type Params = Readonly<Record<string, unknown>>;

export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Maps one identified operation of a service to requirements; undefined means "use the default"
 * (the Service Authorization Reference's ARN formats filled from the request). `service` is the
 * model id (two models may share an IAM prefix, as `eventbridge` and `cloudwatchevents` do).
 */
export type ServiceMapper = (
  operation: string,
  params: Params,
  scope: ArnScope,
  service: string,
) => IamRequirement[] | undefined;

const PARTITIONS: ReadonlyArray<readonly [string, string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
];

export function partitionOf(region: string): string {
  for (const [prefix, partition] of PARTITIONS) if (region.startsWith(prefix)) return partition;
  return 'aws';
}

/** `arn:{partition}:{service}:{region}:{account}:{resource}`. */
export function regionalArn(s: ArnScope, service: string, resource: string, account = s.account): string {
  return `arn:${s.partition}:${service}:${s.region}:${account}:${resource}`;
}

/** Global services (IAM, STS principals) carry no region. */
export function globalArn(s: ArnScope, service: string, resource: string): string {
  return `arn:${s.partition}:${service}::${s.account}:${resource}`;
}

export function isArn(v: string): boolean {
  return v.startsWith('arn:') && v.split(':').length >= 6;
}

/** One requirement; no resources means the action is not resource-scoped (`*`). */
export function need(action: string, ...resources: Array<string | undefined>): IamRequirement {
  const known = resources.filter((r): r is string => r !== undefined && r !== '');
  return { action, resources: known.length > 0 ? known : ['*'] };
}

/** The first non-empty string among the named params (identify keeps model member names). */
export function str(p: Params, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = p[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/**
 * A list parameter, whether identify delivered it as an array (`InstanceIds: [...]`), a single
 * string, or flattened query-protocol keys (`InstanceId.1`, `InstanceIds.member.1`).
 */
export function strList(p: Params, name: string, wireName = name): string[] {
  const out: string[] = [];
  const v = p[name];
  if (Array.isArray(v)) for (const x of v) if (typeof x === 'string' && x !== '') out.push(x);
  if (typeof v === 'string' && v !== '') out.push(v);
  if (out.length > 0) return out;
  const flat = new RegExp(`^(?:${escape(name)}|${escape(wireName)})(?:\\.member)?\\.(\\d+)$`);
  const numbered: Array<[number, string]> = [];
  for (const [k, x] of Object.entries(p)) {
    const m = flat.exec(k);
    if (m !== null && typeof x === 'string' && x !== '') numbered.push([Number(m[1]), x]);
  }
  return numbered.sort((a, b) => a[0] - b[0]).map(([, x]) => x);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function record(v: unknown): Params | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Params) : undefined;
}
