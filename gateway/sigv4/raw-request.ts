/** Read-only views over a RawRequest: URL split, header index, query pairs. Never normalises. */

import { percentDecode } from './byte-string';

export interface RawUrlParts {
  /** Raw path as sent, `/` when empty. */
  readonly path: string;
  /** Raw query string after the first `?`, without it; empty when absent. */
  readonly query: string;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/** Proxy-mode clients may send absolute-form targets (`http://host/path`); signers sign only the path. */
export function splitRawUrl(rawUrl: string): RawUrlParts {
  let target = rawUrl;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute !== null) target = target.slice(absolute[0].length);
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  return { path: path === '' ? '/' : path, query };
}

/** Lower-cased header name → every value in arrival order (repeated headers stay separate). */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

export function indexHeaders(rawHeaders: readonly string[]): HeaderIndex {
  const index = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const value = rawHeaders[i + 1];
    if (typeof name !== 'string' || typeof value !== 'string') continue;
    const key = name.toLowerCase();
    const list = index.get(key);
    if (list === undefined) index.set(key, [value]);
    else list.push(value);
  }
  return index;
}

export interface QueryParam {
  /** Raw key and value exactly as on the wire. */
  readonly rawKey: string;
  readonly rawValue: string;
  /** Percent-decoded byte strings. */
  readonly key: string;
  readonly value: string;
}

/** Splits on `&` and the first `=`; empty segments (`a&&b`, trailing `&`) carry nothing and are dropped. */
export function parseQuery(query: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (query === '') return params;
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const rawKey = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? '' : segment.slice(eq + 1);
    params.push({ rawKey, rawValue, key: percentDecode(rawKey), value: percentDecode(rawValue) });
  }
  return params;
}
