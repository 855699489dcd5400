import http from 'node:http';
import https from 'node:https';
import type { AwsCredentialIdentity } from '@smithy/types';
import { Resigner } from './resign';
import type { UpstreamTarget } from './upstream-target';

const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const LOOKUP_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export interface AccountLookupTarget {
  /** Where STS is reached: the --upstream URL, else the region's STS endpoint. */
  readonly target: UpstreamTarget;
  readonly region: string;
  /** Extra CA to trust for an https upstream (tests). */
  readonly ca?: string;
  /** The gateway's own parent proxy for this target, if any. */
  readonly agent?: http.Agent;
}

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
  const lib = target.protocol === 'https:' ? https : http;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = lib.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: 'POST',
      path,
      headers,
      ca: where.ca,
      agent: where.agent,
      timeout: LOOKUP_TIMEOUT_MS,
    });
    req.on('timeout', () => req.destroy(new Error('STS did not answer in time')));
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        if (text.length > MAX_ANSWER_BYTES) res.destroy(new Error('STS answered with an oversized body'));
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(BODY);
  });
  if (status !== 200) {
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? 'no error code';
    throw new Error(`STS GetCallerIdentity answered HTTP ${status} (${code})`);
  }
  const account = /<Account>\s*(\d{12})\s*<\/Account>/.exec(text)?.[1];
  if (account === undefined) throw new Error('STS GetCallerIdentity answered without an account id');
  return account;
}
