import { createRemoteJWKSet, jwtVerify } from 'jose';
import { QUERY_NAMESPACES } from './aws-errors';
import { awsStyleId, awsStyleSecret, randomChars } from './credentials';
import { isoSeconds, queryOk, queryParams, stubError, xmlEscape } from './stubs/shared';
import type { StubRequest, StubResponse } from './types';

const NS = QUERY_NAMESPACES['sts'] ?? '';

/** Credentials this fake STS issued, which the verifying front then accepts (with their token). */
export interface IssuedSession {
  readonly kind: 'web-identity' | 'task' | 'agent-role';
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly roleSessionName: string;
  readonly subject?: string;
}

export interface TaskAssumeRole {
  readonly signedBy: string;
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly policy?: unknown;
  readonly sourceIdentity?: string;
  readonly tags: Record<string, string>;
  readonly issued: IssuedSession;
}

export interface WebIdentityStsOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly roleArn: string;
  readonly accountId: string;
  /** Lifetime of issued credentials (default 3600 s). */
  readonly credentialSeconds?: number;
}

/**
 * STS as OIDC mode meets it: AssumeRoleWithWebIdentity verifies the ID token against the
 * provider's JWKS (jose: independent of the gateway's own check) with the role's expected issuer
 * and audience; AssumeRole, signed with such a session, records the session policy,
 * SourceIdentity and tags it was given. Every issued key is then accepted by the front.
 */
export class FakeWebIdentitySts {
  readonly issued = new Map<string, IssuedSession>();
  readonly exchanges: { subject: string; roleSessionName: string }[] = [];
  readonly refusals: { code: string; message: string }[] = [];
  readonly taskSessions: TaskAssumeRole[] = [];
  /** Roles assumed with a task session (what an agent's own sts:AssumeRole becomes). */
  readonly agentRoles: TaskAssumeRole[] = [];
  credentialSeconds: number;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly opts: WebIdentityStsOptions) {
    this.credentialSeconds = opts.credentialSeconds ?? 3600;
    this.jwks = createRemoteJWKSet(new URL(`${opts.issuer}/jwks`));
  }

  private issue(kind: IssuedSession['kind'], roleSessionName: string, subject?: string): IssuedSession {
    const s: IssuedSession = {
      kind,
      accessKeyId: awsStyleId('ASIA'),
      secretAccessKey: awsStyleSecret(),
      sessionToken:
        'IQoJb3JpZ2luX2Vj' +
        randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 180),
      expiration: new Date(Date.now() + this.credentialSeconds * 1000),
      roleSessionName,
      subject,
    };
    this.issued.set(s.accessKeyId, s);
    return s;
  }

  private answer(action: string, roleArn: string, s: IssuedSession, extra = ''): StubResponse {
    const roleName = roleArn.split('/').pop() ?? roleArn;
    return queryOk(
      action,
      NS,
      `${extra}<AssumedRoleUser><AssumedRoleId>AROAFAKE:${xmlEscape(s.roleSessionName)}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${this.opts.accountId}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(s.roleSessionName)}</Arn></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${s.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(s.secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${xmlEscape(s.sessionToken)}</SessionToken><Expiration>${isoSeconds(s.expiration)}</Expiration></Credentials>`,
    );
  }

  private refuse(action: string, status: number, code: string, message: string): StubResponse {
    this.refusals.push({ code, message });
    return stubError('query', 'sts', action, status, code, message);
  }

  /** An unsigned STS request: only AssumeRoleWithWebIdentity may be one. */
  async unsigned(req: StubRequest): Promise<StubResponse | undefined> {
    const p = queryParams(req);
    if (p.get('Action') !== 'AssumeRoleWithWebIdentity') return undefined;
    const action = 'AssumeRoleWithWebIdentity';
    const token = p.get('WebIdentityToken') ?? '';
    const session = p.get('RoleSessionName') ?? '';
    if (p.get('RoleArn') !== this.opts.roleArn)
      return this.refuse(action, 403, 'AccessDenied', `not authorized to assume ${p.get('RoleArn')}`);
    if (!/^[\w+=,.@-]{2,64}$/.test(session))
      return this.refuse(action, 400, 'ValidationError', `RoleSessionName ${session} is invalid`);
    let subject: string;
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.opts.issuer,
        audience: this.opts.audience,
      });
      subject = String(payload.sub);
    } catch (e) {
      const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED';
      return this.refuse(
        action,
        400,
        expired ? 'ExpiredTokenException' : 'InvalidIdentityToken',
        (e as Error).message,
      );
    }
    const s = this.issue('web-identity', session, subject);
    this.exchanges.push({ subject, roleSessionName: session });
    return this.answer(
      action,
      this.opts.roleArn,
      s,
      `<SubjectFromWebIdentityToken>${xmlEscape(subject)}</SubjectFromWebIdentityToken>`,
    );
  }

  /** A verified STS call signed with a key this fake issued; AssumeRole from a web-identity session opens a task session. */
  signed(req: StubRequest, accessKeyId: string): StubResponse | undefined {
    const by = this.issued.get(accessKeyId);
    const p = queryParams(req);
    if (!by || p.get('Action') !== 'AssumeRole') return undefined;
    const roleArn = p.get('RoleArn') ?? '';
    if (by.kind === 'web-identity' && roleArn !== this.opts.roleArn)
      return this.refuse('AssumeRole', 403, 'AccessDenied', `not allowed: ${roleArn}`);
    const policyText = p.get('Policy') ?? undefined;
    if (policyText !== undefined && policyText.length > 2048)
      return this.refuse('AssumeRole', 400, 'PackedPolicyTooLarge', 'the session policy is too large');
    const tags: Record<string, string> = {};
    for (let i = 1; p.has(`Tags.member.${i}.Key`); i++)
      tags[p.get(`Tags.member.${i}.Key`)!] = p.get(`Tags.member.${i}.Value`) ?? '';
    const session = p.get('RoleSessionName') ?? '';
    const s = this.issue(by.kind === 'web-identity' ? 'task' : 'agent-role', session, by.subject);
    (by.kind === 'web-identity' ? this.taskSessions : this.agentRoles).push({
      signedBy: accessKeyId,
      roleArn,
      roleSessionName: session,
      policy: policyText === undefined ? undefined : (JSON.parse(policyText) as unknown),
      sourceIdentity: p.get('SourceIdentity') ?? undefined,
      tags,
      issued: s,
    });
    return this.answer('AssumeRole', roleArn, s);
  }
}
