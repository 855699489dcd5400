/**
 * Who a signed-in user is, as Airlock records and matches it: from the ID token's claims. Pure.
 */
export interface IdentityClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly email?: string;
  readonly name?: string;
  readonly groups: readonly string[];
}

/** Reads the identity from verified ID token claims (`groups` may be a list or one string). */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>): IdentityClaims {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const raw = claims.groups;
  const groups = Array.isArray(raw)
    ? raw.filter((g): g is string => typeof g === 'string' && g !== '')
    : typeof raw === 'string' && raw !== ''
      ? [raw]
      : [];
  const issuer = str(claims.iss);
  const subject = str(claims.sub);
  if (!issuer || !subject) throw new Error('an ID token without iss or sub names nobody');
  return { issuer, subject, email: str(claims.email), name: str(claims.name), groups };
}

/** The one name shown for a person: their email, else the subject. */
export function displayName(id: IdentityClaims): string {
  return id.email ?? id.subject;
}

/**
 * STS SourceIdentity: 2 to 64 characters of [\w+=,.@-]. An email fits as is; anything else is
 * reduced to what STS accepts (and cut), so CloudTrail still names the person.
 */
export function sourceIdentity(id: IdentityClaims): string {
  const s = displayName(id)
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64);
  return s.length >= 2 ? s : `${s}--`.slice(0, 2);
}

/**
 * The names a policy's `identities` match: `user:` the email and the subject, `group:` every group.
 */
export function identityNames(id: IdentityClaims): string[] {
  const out = [`user:${id.subject}`];
  if (id.email) out.push(`user:${id.email}`);
  for (const g of id.groups) out.push(`group:${g}`);
  return out;
}
