import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { ParentProxy } from './parent-proxy';
import { proxyAuthorization } from './parent-proxy';
import { authorityOf, parseAuthority, type ProxyTarget } from './proxy-target';

/** Headers of one hop: neither copied to the origin nor back to the client. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface AbsoluteUri {
  readonly target: ProxyTarget;
  /** Origin-form path and query exactly as the client wrote them (signatures cover it). */
  readonly path: string;
}

/** Splits `http://host[:port]/path?query` without re-encoding anything; undefined if malformed. */
export function parseAbsoluteUri(url: string): AbsoluteUri | undefined {
  const m = /^http:\/\/([^/?#]+)(.*)$/i.exec(url);
  if (!m?.[1]) return undefined;
  const target = parseAuthority(m[1], 80);
  if (!target) return undefined;
  const rest = m[2] ?? '';
  if (rest.includes('#')) return undefined;
  const path = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
  return { target, path };
}

function copyHeaders(raw: readonly string[]): Array<[string, string]> {
  const connectionListed = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2)
    if ((raw[i] ?? '').toLowerCase() === 'connection')
      for (const t of (raw[i + 1] ?? '').split(',')) connectionListed.add(t.trim().toLowerCase());
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || connectionListed.has(lower)) continue;
    out.push([name, raw[i + 1] ?? '']);
  }
  return out;
}

/**
 * Forwards a plain-HTTP proxy request for a non-AWS host as a proxy would: to the origin, or to
 * the gateway's own parent proxy. Nothing is recorded or changed beyond the hop headers.
 */
export function forwardPlainHttp(
  req: IncomingMessage,
  res: ServerResponse,
  uri: AbsoluteUri,
  parent: ParentProxy | undefined,
  timeoutMs: number,
): void {
  const via = parent?.forHttp(uri.target);
  const headers = copyHeaders(req.rawHeaders);
  // Node frames a body of unknown length on GET, HEAD and DELETE by nothing (forward.ts, framed):
  // its bytes would reach the origin, or the parent proxy, as a request of their own.
  if (req.headers['transfer-encoding'] !== undefined) headers.push(['Transfer-Encoding', 'chunked']);
  const auth = via ? proxyAuthorization(via) : undefined;
  if (auth) headers.push(['Proxy-Authorization', auth]);
  const upstream = http.request({
    host: via ? via.hostname.replace(/^\[(.*)\]$/, '$1') : uri.target.host,
    port: via ? Number(via.port || 80) : uri.target.port,
    method: req.method,
    path: via ? `http://${authorityOf(uri.target, 80)}${uri.path}` : uri.path,
    headers: headers.flat(),
    setHost: false,
    timeout: timeoutMs,
  });
  const fail = (status: number, message: string): void => {
    if (!res.headersSent) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(`Airlock proxy: ${message}\n`);
    } else res.destroy();
  };
  upstream.on('timeout', () => {
    upstream.destroy();
    fail(504, `${uri.target.host} did not answer in time`);
  });
  upstream.on('error', (e: NodeJS.ErrnoException) =>
    fail(502, `${uri.target.host} could not be reached (${e.code ?? e.message})`),
  );
  upstream.on('response', (up) => {
    upstream.setTimeout(0);
    res.writeHead(up.statusCode ?? 502, up.statusMessage, copyHeaders(up.rawHeaders).flat());
    pipeline(up, res, () => undefined);
  });
  pipeline(req, upstream, () => undefined);
}
