import type { AwsCredentialIdentity } from '@smithy/types';
import { Resigner } from './resign';
import { postToSts, type StsEndpoint } from './sts-post';

const TIMEOUT_MS = 15_000;
const MAX_ANSWER_BYTES = 256 * 1024;

export type { StsEndpoint } from './sts-post';

/** Temporary credentials STS issued, with when they stop working and the session they belong to. */
export interface SessionCredentials extends AwsCredentialIdentity {
  readonly sessionToken: string;
  readonly expiration: Date;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  readonly assumedRoleArn?: string;
}

/** STS refused (its error code and message), or could not be reached. Never carries a secret. */
export class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StsError';
  }
}

function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return m?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function post(
  where: StsEndpoint,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return postToSts(where, headers, body, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES }).catch(
    (e: Error) => {
      throw new StsError('Unreachable', `STS could not be reached: ${e.message}`);
    },
  );
}

async function call(
  where: StsEndpoint,
  action: string,
  params: ReadonlyArray<readonly [string, string]>,
  signWith: AwsCredentialIdentity | undefined,
): Promise<SessionCredentials> {
  const body = new URLSearchParams([
    ['Action', action],
    ['Version', '2011-06-15'],
    ...params.map(([k, v]) => [k, v]),
  ]).toString();
  const base: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'airlock-gateway (identity)',
  };
  const headers = signWith
    ? await new Resigner(() => Promise.resolve(signWith)).sign(
        { method: 'POST', path: `${where.target.basePath}/`, rawQuery: '', headers: base },
        where.target,
        { service: 'sts', region: where.region },
        Buffer.from(body),
      )
    : { ...base, host: where.target.hostHeader };
  const { status, text } = await post(where, headers, body);
  if (status !== 200) {
    const code = tag(text, 'Code') ?? `HTTP${status}`;
    throw new StsError(code, `STS ${action} refused: ${code}: ${tag(text, 'Message') ?? `HTTP ${status}`}`);
  }
  const accessKeyId = tag(text, 'AccessKeyId');
  const secretAccessKey = tag(text, 'SecretAccessKey');
  const sessionToken = tag(text, 'SessionToken');
  const expiration = new Date(tag(text, 'Expiration') ?? '');
  if (!accessKeyId || !secretAccessKey || !sessionToken || Number.isNaN(expiration.getTime()))
    throw new StsError('MalformedAnswer', `STS ${action} answered without usable credentials`);
  return { accessKeyId, secretAccessKey, sessionToken, expiration, assumedRoleArn: tag(text, 'Arn') };
}

/** Exchanges a verified ID token for the role's credentials (the request is not signed: the token is the proof). */
export function assumeRoleWithWebIdentity(
  where: StsEndpoint,
  p: { roleArn: string; roleSessionName: string; webIdentityToken: string; durationSeconds?: number },
): Promise<SessionCredentials> {
  return call(
    where,
    'AssumeRoleWithWebIdentity',
    [
      ['RoleArn', p.roleArn],
      ['RoleSessionName', p.roleSessionName],
      ['WebIdentityToken', p.webIdentityToken],
      ...(p.durationSeconds ? [['DurationSeconds', String(p.durationSeconds)] as const] : []),
    ],
    undefined,
  );
}

export interface AssumeRoleParams {
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** A session policy (JSON): the session can do at most what it and the role both allow. */
  readonly policy?: string;
  readonly sourceIdentity?: string;
  readonly tags?: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  readonly durationSeconds?: number;
}

export function assumeRole(
  where: StsEndpoint,
  signWith: AwsCredentialIdentity,
  p: AssumeRoleParams,
): Promise<SessionCredentials> {
  const params: [string, string][] = [
    ['RoleArn', p.roleArn],
    ['RoleSessionName', p.roleSessionName],
  ];
  if (p.policy !== undefined) params.push(['Policy', p.policy]);
  if (p.sourceIdentity !== undefined) params.push(['SourceIdentity', p.sourceIdentity]);
  if (p.durationSeconds !== undefined) params.push(['DurationSeconds', String(p.durationSeconds)]);
  (p.tags ?? []).forEach((t, i) => {
    params.push([`Tags.member.${i + 1}.Key`, t.key], [`Tags.member.${i + 1}.Value`, t.value]);
  });
  return call(where, 'AssumeRole', params, signWith);
}
