/**
 * Resource patterns a person may grant "for the task": an exact ARN of the call, or an ARN whose
 * partition, service, region and account are the call's own and whose resource part holds `*`
 * (any run of characters) or `?` (one character) after a literal start (`role/deploy-*`,
 * `bucket/logs/*`). Everything else would let the grant reach further than the person can see
 * from the prompt: another account or service, or every resource type (`arn:aws:iam::1:*`).
 */

const MAX_PATTERN = 2048;

function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

/** `arn:p:s:r:a` and the resource part, or undefined when not ARN-shaped. */
function splitArn(s: string): { head: string; resource: string } | undefined {
  const parts = s.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { head: parts.slice(0, 5).join(':'), resource: parts.slice(5).join(':') };
}

/** Why `pattern` may not be granted for a call on `resources`, or undefined when it may. */
export function grantPatternProblem(pattern: string, resources: readonly string[]): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN)
    return `a resource pattern has 1 to ${MAX_PATTERN} characters`;
  if (resources.includes(pattern)) return undefined;
  if (!hasWildcard(pattern))
    return `${pattern} is not a resource of this call; a grant covers this call's resources or a pattern matching them`;
  const p = splitArn(pattern);
  if (!p) return `${pattern} is not an ARN pattern (arn:partition:service:region:account:resource)`;
  if (hasWildcard(p.head))
    return `${pattern}: wildcards are allowed only in the resource part, not in the partition, service, region or account`;
  if (!resources.some((r) => splitArn(r)?.head === p.head))
    return `${pattern} names another partition, service, region or account than this call`;
  if (/^[*?]/.test(p.resource))
    return `${pattern} starts its resource part with a wildcard; name at least the resource type (e.g. role/…)`;
  return undefined;
}

/**
 * Whether `arn` matches `pattern` (`*`: any run, `?`: one character; case-sensitive). Iterative,
 * O(pattern × arn) at worst: no regular expression built from what a person typed.
 */
export function arnGlobMatches(pattern: string, arn: string): boolean {
  if (pattern === arn) return true;
  if (!hasWildcard(pattern)) return pattern === arn;
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < arn.length) {
    const c = pattern[p];
    if (c === '?' || (c !== undefined && c !== '*' && c === arn[s])) {
      p++;
      s++;
    } else if (c === '*') {
      star = p++;
      mark = s;
    } else if (star >= 0) {
      p = star + 1;
      s = ++mark;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Patterns to offer for one resource, narrowest first: the ARN itself, its name's prefix up to the
 * last `-`, `_` or `.` (`role/deploy-bot` → `role/deploy-*`), and every resource of its type
 * (`role/*`, `bucket/*`), each only when it differs from the one before.
 */
export function suggestedPatterns(arn: string): string[] {
  const p = splitArn(arn);
  const out = [arn];
  if (!p || hasWildcard(arn)) return out;
  const slash = p.resource.indexOf('/');
  const type = slash > 0 ? p.resource.slice(0, slash + 1) : '';
  const name = slash > 0 ? p.resource.slice(slash + 1) : p.resource;
  const cut = Math.max(name.lastIndexOf('-'), name.lastIndexOf('_'), name.lastIndexOf('.'));
  if (cut > 0) out.push(`${p.head}:${type}${name.slice(0, cut + 1)}*`);
  if (type) out.push(`${p.head}:${type}*`);
  return [...new Set(out)];
}
