/**
 * A task scope as an STS session policy. Pure. AWS caps the plaintext of a session policy at
 * 2,048 characters (whitespace excluded by minifying), and then the packed size of policy plus
 * tags; a scope larger than that cannot be enforced by AWS, so the task is refused, not weakened.
 */
export const MAX_SESSION_POLICY_CHARS = 2048;

export type SessionPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'policy'; readonly json: string }
  | { readonly kind: 'too-large'; readonly chars: number };

export function sessionPolicyFor(scope: unknown): SessionPolicy {
  if (scope === undefined || scope === null) return { kind: 'none' };
  const json = JSON.stringify(scope);
  if (json.length > MAX_SESSION_POLICY_CHARS) return { kind: 'too-large', chars: json.length };
  return { kind: 'policy', json };
}

/** RoleSessionName for a task: CloudTrail shows it as the session name, and it leads back to the task id. */
export function roleSessionNameFor(taskId: string): string {
  return `airlock-${taskId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
