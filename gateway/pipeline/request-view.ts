import type { RequestView } from '../aws/types';
import type { CallContext } from './call-context';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a raw query string into decoded pairs (`+` is literal, as SigV4 treats it). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [safeDecode(p), ''] : [safeDecode(p.slice(0, i)), safeDecode(p.slice(i + 1))];
    });
}

export function splitUrl(rawUrl: string): { path: string; rawQuery: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, rawQuery: '' } : { path: rawUrl.slice(0, q), rawQuery: rawUrl.slice(q + 1) };
}

/** Lower-cased headers, repeated ones joined with ",", from the raw header list. */
export function headerMap(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

export function toRequestView(ctx: CallContext, host?: string): RequestView {
  const { path, rawQuery } = splitUrl(ctx.raw.rawUrl);
  return {
    method: ctx.raw.method,
    path,
    query: parseQuery(rawQuery),
    headers: headerMap(ctx.raw.rawHeaders),
    body: ctx.body,
    signingName: ctx.auth?.scope.service ?? 'unknown',
    region: ctx.auth?.scope.region ?? 'us-east-1',
    host,
  };
}
