import { displayName, identityNames, type IdentityClaims } from './identity-claims';

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function normalize(p: string): string {
  return p.startsWith('user:') || p.startsWith('group:') || p.startsWith('agent:') ? p : `user:${p}`;
}

/** `group:NAME` stands for the claim and, when the policy defines the group, its members too. */
function expand(approvers: readonly string[], groups: Readonly<Record<string, readonly string[]>>): string[] {
  return approvers.flatMap((a) => {
    const p = normalize(a);
    if (!p.startsWith('group:')) return [p];
    const name = p.slice('group:'.length);
    const members = Object.prototype.hasOwnProperty.call(groups, name) ? groups[name] : undefined;
    return [p, ...(members ?? []).map(normalize)];
  });
}

export type ApproverCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Whether `who` may approve a call held by a rule with these `approvers`. Pure. Without
 * approvers anyone who can decide may; with them, only a signed-in person whose ID token claims
 * match, and the refusal names who can.
 */
export function mayApprove(
  approvers: readonly string[] | undefined,
  who: IdentityClaims | undefined,
  groups: Readonly<Record<string, readonly string[]>>,
  ruleId: string,
): ApproverCheck {
  if (!approvers || approvers.length === 0) return { ok: true };
  const can = approvers.join(', ');
  if (!who)
    return {
      ok: false,
      message: `Only ${can} may approve what rule "${ruleId}" holds, and nobody is signed in: sign in to Airlock as one of them, or deny it.`,
    };
  const patterns = expand(approvers, groups).map(glob);
  if (identityNames(who).some((n) => patterns.some((p) => p.test(n)))) return { ok: true };
  return {
    ok: false,
    message: `Only ${can} may approve what rule "${ruleId}" holds; you are signed in as ${displayName(who)} (groups: ${who.groups.join(', ') || 'none'}). Ask one of them, or deny it.`,
  };
}
