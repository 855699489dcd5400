import type { AwsCredentialIdentity } from '@smithy/types';
import { Resigner } from './resign';
import { postToSts, type StsEndpoint } from './sts-post';
import type { UpstreamTarget } from './upstream-target';

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const LOOKUP_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export type AccountLookupTarget = StsEndpoint;

/** The region's STS endpoint (regional: the global one does not serve every partition). */
export function stsTarget(region: string, upstream: URL | undefined): UpstreamTarget {
  if (upstream) {
    return {
      protocol: upstream.protocol === 'https:' ? 'https:' : 'http:',
      hostname: upstream.hostname,
      port: upstream.port ? Number(upstream.port) : undefined,
      hostHeader: upstream.host,
      basePath: upstream.pathname.replace(/\/+$/, ''),
    };
  }
  const host = `sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  return { protocol: 'https:', hostname: host, hostHeader: host, basePath: '' };
}

/**
 * Asks STS GetCallerIdentity, signed with exactly `credentials`, which account they belong to.
 * Resolves with the 12-digit account id; rejects with a one-line reason (never a secret).
 */
export async function lookupAccount(
  credentials: AwsCredentialIdentity,
  where: AccountLookupTarget,
): Promise<string> {
  const { target } = where;
  const path = `${target.basePath}/`;
  const headers = await new Resigner(() => Promise.resolve(credentials)).sign(
    {
      method: 'POST',
      path,
      rawQuery: '',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'content-length': String(Buffer.byteLength(BODY)),
        'user-agent': 'airlock-gateway (account lookup)',
      },
    },
    target,
    { service: 'sts', region: where.region },
    Buffer.from(BODY),
  );
  const { status, text } = await postToSts(where, headers, BODY, {
    timeoutMs: LOOKUP_TIMEOUT_MS,
    maxBytes: MAX_ANSWER_BYTES,
  });
  if (status !== 200) {
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? 'no error code';
    throw new Error(`STS GetCallerIdentity answered HTTP ${status} (${code})`);
  }
  const account = /<Account>\s*(\d{12})\s*<\/Account>/.exec(text)?.[1];
  if (account === undefined) throw new Error('STS GetCallerIdentity answered without an account id');
  return account;
}
