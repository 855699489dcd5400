// What the request mutations share: their types, and small readers and writers of raw requests.
import type { CompiledRoute } from '../../../gateway/aws/route-template';

export type Expectation = 'exact' | 'same-or-refuse' | 'refuse' | 's3-literal';

export interface RawRequest {
  readonly method: string;
  readonly rawUrl: string;
  readonly rawHeaders: readonly string[];
  readonly body?: Buffer;
}

export interface Mutation {
  readonly kind: string;
  readonly request: RawRequest;
  readonly expect: Expectation;
}

/** What a mutation may need to know about the original beyond its bytes. */
export interface MutationContext {
  readonly rng: () => number;
  /** The S3 path rules apply (the signer signed the path as sent). */
  readonly s3Paths: boolean;
  /** REST route of the identified operation, if REST. */
  readonly route?: CompiledRoute;
  /** Query keys the operation reads as lists (they may repeat). */
  readonly listQueryKeys: ReadonlySet<string>;
  /** Lower-cased header members of the operation. */
  readonly headerMembers: ReadonlySet<string>;
  /** Another operation name of the same service (for a conflicting target or Action). */
  readonly otherOperation: string;
  readonly targetPrefix?: string;
}

export type Generator = (r: RawRequest, c: MutationContext) => Mutation | undefined;

export function pick<T>(rng: () => number, list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(rng() * list.length)];
}

export function split(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

export function join(path: string, query: string): string {
  return query === '' ? path : `${path}?${query}`;
}

export function segmentsOf(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Percent-encodes one letter or digit that is not part of an escape; undefined if none. */
export function escapeOne(s: string, rng: () => number): string | undefined {
  const spots: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (!/[A-Za-z0-9]/.test(s[i]!)) continue;
    if (s[i - 1] === '%' || s[i - 2] === '%') continue;
    spots.push(i);
  }
  const at = pick(rng, spots);
  if (at === undefined) return undefined;
  const hex = s.charCodeAt(at).toString(16).toUpperCase().padStart(2, '0');
  return `${s.slice(0, at)}%${hex}${s.slice(at + 1)}`;
}

export function header(r: RawRequest, name: string): string | undefined {
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2)
    if (r.rawHeaders[i]!.toLowerCase() === name) return r.rawHeaders[i + 1];
  return undefined;
}

export function withHeader(r: RawRequest, name: string, value: (old: string) => string): RawRequest {
  const h = [...r.rawHeaders];
  for (let i = 0; i + 1 < h.length; i += 2) if (h[i]!.toLowerCase() === name) h[i + 1] = value(h[i + 1]!);
  return { ...r, rawHeaders: h };
}
