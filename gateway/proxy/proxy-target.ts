/** Where a proxied request wants to go, and whether Airlock intercepts it. */

/** Hosts whose TLS the gateway terminates: every AWS API endpoint, partitions included. */
const AWS_SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn', '.api.aws'];
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export interface ProxyTarget {
  /** Lower-cased host name or IP address, without brackets. */
  readonly host: string;
  readonly port: number;
}

/** An AWS API host name (never an IP address) that proxy mode intercepts. */
export function isAwsHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h.length > 253 || !AWS_SUFFIXES.some((s) => h.endsWith(s))) return false;
  return h.split('.').every((label) => HOST_LABEL.test(label));
}

/** Parses `host:port` or `[v6]:port`; undefined when malformed. */
export function parseAuthority(authority: string, defaultPort?: number): ProxyTarget | undefined {
  if (authority.length === 0 || authority.length > 300) return undefined;
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end < 0) return undefined;
    host = authority.slice(1, end);
    const rest = authority.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(':') !== colon) return undefined;
    host = colon < 0 ? authority : authority.slice(0, colon);
    portText = colon < 0 ? undefined : authority.slice(colon + 1);
  }
  const port = portText === undefined ? defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (host === '' || /[\s/?#@]/.test(host)) return undefined;
  return { host: host.toLowerCase().replace(/\.$/, ''), port };
}

/** `host` for the default port, else `host:port` (brackets for IPv6), as a Host header carries it. */
export function authorityOf(t: ProxyTarget, defaultPort: number): string {
  const h = t.host.includes(':') ? `[${t.host}]` : t.host;
  return t.port === defaultPort ? h : `${h}:${t.port}`;
}
