/**
 * The corporate proxy the gateway itself must use, read from the gateway process's own
 * environment (`https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`, minus `no_proxy`/`NO_PROXY`),
 * and a CONNECT through it.
 */
import { BlockList, connect, isIP, type Socket } from 'node:net';
import { ProxyError } from './proxy-error';
import { authorityOf, type ProxyTarget } from './proxy-target';

interface NoProxyRule {
  readonly host: string;
  readonly port?: number;
}

export class ParentProxy {
  private readonly rules: NoProxyRule[] = [];
  private readonly ips = new BlockList();
  private readonly all: boolean;

  constructor(
    /** For CONNECT tunnels and TLS to AWS. */
    readonly https: URL | undefined,
    /** For plain-HTTP absolute-URI requests. */
    readonly http: URL | undefined,
    noProxy: string,
  ) {
    let all = false;
    for (const raw of noProxy.split(/[\s,]+/)) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (entry === '*') {
        all = true;
        continue;
      }
      const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
      if (cidr?.[1] && isIP(cidr[1])) {
        const family = isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
        try {
          this.ips.addSubnet(cidr[1], Number(cidr[2]), family);
        } catch {
          // A malformed prefix length matches nothing, as curl treats it.
        }
        continue;
      }
      const bare = entry.replace(/^\[(.*)\]$/, '$1');
      if (isIP(bare)) {
        this.ips.addAddress(bare, isIP(bare) === 6 ? 'ipv6' : 'ipv4');
        continue;
      }
      const m = /^(.*?)(?::(\d{1,5}))?$/.exec(entry);
      const host = (m?.[1] ?? entry).replace(/^\*?\./, '');
      this.rules.push(m?.[2] !== undefined ? { host, port: Number(m[2]) } : { host });
    }
    this.all = all;
  }

  /** True when `no_proxy` says to reach this target directly. */
  bypasses(t: ProxyTarget): boolean {
    if (this.all) return true;
    const family = isIP(t.host);
    if (family !== 0) return this.ips.check(t.host, family === 6 ? 'ipv6' : 'ipv4');
    return this.rules.some(
      (r) =>
        (r.port === undefined || r.port === t.port) && (t.host === r.host || t.host.endsWith(`.${r.host}`)),
    );
  }

  /** The proxy to CONNECT through for this target, if any. */
  forTunnel(t: ProxyTarget): URL | undefined {
    return this.https && !this.bypasses(t) ? this.https : undefined;
  }

  /** The proxy to send a plain-HTTP absolute-URI request through, if any. */
  forHttp(t: ProxyTarget): URL | undefined {
    return this.http && !this.bypasses(t) ? this.http : undefined;
  }
}

function proxyUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value.includes('://') ? value : `http://${value}`);
    // Only plain-HTTP proxies speak CONNECT the way we use it; others are ignored, not guessed at.
    return u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The gateway's parent proxy from its environment. A proxy that is the gateway itself (the
 * gateway started from a task terminal) is ignored: chaining to it would loop.
 */
export function parentProxyFromEnv(
  env: NodeJS.ProcessEnv,
  self: () => { host: string; port: number },
): ParentProxy | undefined {
  const isSelf = (u: URL | undefined): boolean => {
    if (!u) return false;
    const me = self();
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const loopback = host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === me.host;
    return loopback && Number(u.port || 80) === me.port;
  };
  const pick = (...names: string[]): URL | undefined => {
    for (const n of names) {
      const u = proxyUrl(env[n]);
      if (u) return isSelf(u) ? undefined : u;
    }
    return undefined;
  };
  const https = pick('https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY');
  const http = pick('http_proxy', 'HTTP_PROXY');
  if (!https && !http) return undefined;
  return new ParentProxy(https, http, env.no_proxy ?? env.NO_PROXY ?? '');
}

/** `Proxy-Authorization` for a proxy URL with credentials. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

const MAX_CONNECT_RESPONSE = 16 * 1024;

/** Opens a tunnel to `t` through `proxy`; resolves with the socket once the proxy says 200. */
export function connectThroughParent(proxy: URL, t: ProxyTarget, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(proxy.port || 80),
      // Request heads and bodies go out as separate writes: Nagle would hold the second one back.
      noDelay: true,
    });
    const authority = authorityOf(t, 0);
    let buffered = Buffer.alloc(0);
    const fail = (e: ProxyError): void => {
      socket.destroy();
      reject(e);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new ProxyError(504, 'ParentProxyTimeout', `the parent proxy did not open ${authority} in time`)),
    );
    socket.once('error', (e) =>
      fail(new ProxyError(502, 'ParentProxyUnreachable', `the parent proxy failed: ${e.message}`)),
    );
    socket.once('connect', () => {
      const auth = proxyAuthorization(proxy);
      socket.write(
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
          (auth ? `Proxy-Authorization: ${auth}\r\n` : '') +
          '\r\n',
      );
    });
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_CONNECT_RESPONSE)
          fail(new ProxyError(502, 'ParentProxyFailed', 'the parent proxy sent an oversized answer'));
        return;
      }
      socket.off('data', onData);
      // Paused until the caller pipes it: bytes after the proxy's answer must not be dropped.
      socket.pause();
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(buffered.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') {
        fail(
          new ProxyError(
            502,
            'ParentProxyRefused',
            `the parent proxy refused ${authority} (status ${status ?? '?'})`,
          ),
        );
        return;
      }
      const rest = buffered.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on('data', onData);
  });
}
