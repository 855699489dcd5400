import http from 'node:http';
import https from 'node:https';
import type { UpstreamTarget } from './upstream-target';

/** Where the gateway's own STS calls go (the account lookup, web identity, task sessions). */
export interface StsEndpoint {
  /** The --upstream URL, else the region's STS endpoint. */
  readonly target: UpstreamTarget;
  readonly region: string;
  /** Extra CA to trust for an https upstream (tests). */
  readonly ca?: string;
  /** The gateway's own parent proxy for this target, if any. */
  readonly agent?: http.Agent;
}

/**
 * POSTs a signed STS query to `where` and reads its answer, bounded in time and size (an answer
 * past `maxBytes` is cut off with an error rather than buffered). Rejects with the socket's error.
 */
export function postToSts(
  where: StsEndpoint,
  headers: Record<string, string>,
  body: string,
  limits: { readonly timeoutMs: number; readonly maxBytes: number },
): Promise<{ status: number; text: string }> {
  const { target } = where;
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: 'POST',
      path: `${target.basePath}/`,
      headers,
      ca: where.ca,
      agent: where.agent,
      timeout: limits.timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error('STS did not answer in time')));
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
        if (text.length > limits.maxBytes) res.destroy(new Error('STS answered with an oversized body'));
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(body);
  });
}
