/**
 * IPv4 / IPv6 addresses and CIDR blocks for IpAddress / NotIpAddress. An address family never
 * matches a block of the other family. A bare address in a policy is a /32 (or /128) block.
 */
export type Cidr =
  | { readonly v6: false; readonly addr: number; readonly prefix: number }
  | { readonly v6: true; readonly addr: Uint16Array; readonly prefix: number };

const V4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIpv4(s: string): number | undefined {
  const m = V4.exec(s);
  if (m === null) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function parseIpv6(s: string): Uint16Array | undefined {
  if (!s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const out = new Uint16Array(8);
  head.forEach((g, i) => (out[i] = g));
  tail.forEach((g, i) => (out[8 - tail.length + i] = g));
  return out;
}

/** Hex groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groups(part: string, mayEndInV4: boolean): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const items = part.split(':');
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? '';
    if (mayEndInV4 && i === items.length - 1 && item.includes('.')) {
      const v4 = parseIpv4(item);
      if (v4 === undefined) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(item)) {
      out.push(parseInt(item, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const prefixText = slash < 0 ? undefined : s.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const v4 = parseIpv4(addrText);
  if (v4 !== undefined) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    return prefix <= 32 ? { v6: false, addr: v4, prefix } : undefined;
  }
  const v6 = parseIpv6(addrText);
  if (v6 !== undefined) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    return prefix <= 128 ? { v6: true, addr: v6, prefix } : undefined;
  }
  return undefined;
}

/** True / false; undefined when `ip` is not an address at all. */
export function cidrContains(block: Cidr, ip: string): boolean | undefined {
  const v4 = parseIpv4(ip);
  if (v4 !== undefined) {
    if (block.v6) return false;
    if (block.prefix === 0) return true;
    const mask = (0xffffffff << (32 - block.prefix)) >>> 0;
    return (v4 & mask) >>> 0 === (block.addr & mask) >>> 0;
  }
  const v6 = parseIpv6(ip);
  if (v6 === undefined) return undefined;
  if (!block.v6) return false;
  let bits = block.prefix;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((v6[i] ?? 0) & mask) !== ((block.addr[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}
