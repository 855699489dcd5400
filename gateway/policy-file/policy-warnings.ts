import type { IamActionNames } from '../aws/iam-action-names';
import { parseJsonWithPositions, type PathSegment, type Position } from './json-positions';
import { formatPath } from './shape-checks';

/**
 * What a valid policy says that cannot be meant: an action pattern or resource ARN that matches
 * nothing AWS has (`organisations:Atach*`). Such a rule is accepted and silently never applies,
 * so a deny rule denies nothing; `airlock policy check` and the editor say so, with the line.
 * The file's validity is load-policy's business; a text that does not parse has no warnings here.
 */
export interface PolicyWarning {
  /** `denyRules[0].actions[1]` */
  readonly path: string;
  readonly position?: Position;
  readonly message: string;
}

const RULE_LISTS = ['denyRules', 'askRules', 'maskRules'] as const;
const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

/** An IAM wildcard pattern (`*`, `?`) as a case-insensitive regular expression. */
function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The nearest name within a few edits, for "did you mean". A pattern ending in `*` is compared
 * with the names' beginnings and answered as a pattern (`Atach*` → `Attach*`).
 */
function nearest(word: string, names: readonly string[]): string | undefined {
  const open = word.endsWith('*');
  const plain = word.replace(/[*?]/g, '').toLowerCase();
  let best: { text: string; d: number } | undefined;
  for (const name of names) {
    const lengths = open ? [plain.length - 1, plain.length, plain.length + 1] : [name.length];
    for (const n of lengths) {
      if (n <= 0 || n > name.length) continue;
      const d = distance(plain, name.slice(0, n).toLowerCase());
      if (d <= Math.max(1, Math.floor(plain.length / 4)) && (!best || d < best.d))
        best = { text: open ? `${name.slice(0, n)}*` : name, d };
    }
  }
  return best?.text;
}

function actionWarning(pattern: string, names: IamActionNames): string | undefined {
  if (pattern === '*') return undefined;
  const colon = pattern.indexOf(':');
  if (colon <= 0) return undefined;
  const [prefix, action] = [pattern.slice(0, colon), pattern.slice(colon + 1)];
  const prefixes = names.prefixes.filter((p) => glob(prefix).test(p));
  if (prefixes.length === 0) {
    const guess = nearest(prefix, names.prefixes);
    return `no AWS service has the IAM prefix "${prefix}"${guess ? ` (did you mean "${guess}"?)` : ''}, so "${pattern}" matches no action and this rule never applies`;
  }
  const re = glob(action);
  if (prefixes.some((p) => names.actionsOf(p)!.some((a) => re.test(a)))) return undefined;
  const guess = prefixes.length === 1 ? nearest(action, names.actionsOf(prefixes[0]!)!) : undefined;
  const what = prefixes.length === 1 ? `${prefixes[0]} action` : 'action of the services it names';
  return `"${pattern}" matches no ${what}${guess ? ` (did you mean "${prefixes[0]}:${guess}"?)` : ''}, so this rule never applies to it`;
}

function resourceWarning(resource: string, names: IamActionNames): string | undefined {
  if (resource === '*' || !resource.startsWith('arn:')) return undefined;
  const [, partition = '', service = ''] = resource.split(':');
  if (!PARTITIONS.some((p) => glob(partition).test(p)))
    return `"${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, …), so this ARN matches no resource`;
  const services = [...names.arnServices, ...names.prefixes];
  if (!services.some((s) => glob(service).test(s))) {
    const guess = nearest(service, services);
    return `no AWS service names its ARNs "${service}"${guess ? ` (did you mean "${guess}"?)` : ''}, so this ARN matches no resource`;
  }
  return undefined;
}

/** Warnings for a policy file's text; none when it does not parse or the names are unavailable. */
export function policyWarnings(text: string, names: IamActionNames | undefined): PolicyWarning[] {
  if (!names) return [];
  let located: ReturnType<typeof parseJsonWithPositions>;
  try {
    located = parseJsonWithPositions(text);
  } catch {
    return [];
  }
  const doc = located.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: PolicyWarning[] = [];
  const check = (path: PathSegment[], value: unknown, warn: (s: string) => string | undefined): void => {
    if (typeof value !== 'string') return;
    const message = warn(value);
    if (message) out.push({ path: formatPath(path), position: located.locate(path), message });
  };
  for (const list of RULE_LISTS) {
    const rules = (doc as Record<string, unknown>)[list];
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule: unknown, i) => {
      if (typeof rule !== 'object' || rule === null) return;
      const { actions, resources } = rule as { actions?: unknown; resources?: unknown };
      if (Array.isArray(actions))
        actions.forEach((a: unknown, j) => check([list, i, 'actions', j], a, (s) => actionWarning(s, names)));
      if (Array.isArray(resources))
        resources.forEach((r: unknown, j) =>
          check([list, i, 'resources', j], r, (s) => resourceWarning(s, names)),
        );
    });
  }
  return out;
}
