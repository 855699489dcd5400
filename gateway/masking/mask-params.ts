import { MaskedFieldList } from './masked-fields';
import { maskValue, type ValueContext } from './mask-value';
import type { MaskPlan } from './plan';
import { nodeFor, PathMatcher, type PathNode } from './path-match';
import type { Placeholders } from './placeholder';
import { hasAccessKeyId } from './shapes';
import type { MaskedField } from './types';

const MAX_DEPTH = 64;

export interface ParamsMaskResult {
  readonly params: Record<string, unknown>;
  readonly masked: readonly MaskedField[];
}

function stringSiblings(obj: Readonly<Record<string, unknown>>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') m.set(k.toLowerCase(), v);
  return m;
}

/**
 * Masks request parameters (the identify stage's view of the request: URI labels, query, headers
 * and body members) for the recording. Returns a copy; the request that goes to AWS is untouched.
 */
export function maskParams(
  params: Readonly<Record<string, unknown>>,
  plan: MaskPlan,
  placeholders: Placeholders,
): ParamsMaskResult {
  const masked = new MaskedFieldList('request');
  let keyIdInBody = false;
  try {
    keyIdInBody = hasAccessKeyId(JSON.stringify(params));
  } catch {
    keyIdInBody = true;
  }
  const ctx: ValueContext = { plan, placeholders, keyIdInBody };
  const paths = planPaths(plan);
  const walk = (
    v: unknown,
    node: PathNode,
    siblings: Map<string, string> | undefined,
    depth: number,
  ): unknown => {
    if (typeof v === 'string') {
      const o = maskValue({ value: v, node, start: 0, end: 0, siblings }, ctx);
      if (!o) return v;
      masked.add(o.hits);
      return o.record;
    }
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, node, undefined, depth + 1));
    const obj = v as Record<string, unknown>;
    const sib = stringSiblings(obj);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(obj)) {
      // Query-protocol parameters arrive flattened (`Tags.member.1.Value`): walk them as paths.
      const keyPath = depth === 0 && k.includes('.') ? flatKeyPath(k) : [k];
      const val = walk(x, nodeFor(paths, keyPath, node), sib, depth + 1);
      if (k === '__proto__') Object.defineProperty(out, k, { value: val, enumerable: true, writable: true });
      else out[k] = val;
    }
    return out;
  };
  const result = walk(params, paths.root, undefined, 0) as Record<string, unknown>;
  return { params: result, masked: masked.list() };
}

/** Request parameters are matched like JSON bodies: workspace JSON paths anchored at the root. */
function planPaths(plan: MaskPlan): PathMatcher {
  return new PathMatcher(
    plan.fields.map((f) => f.spec),
    true,
  );
}

function flatKeyPath(key: string): string[] {
  return key.split('.').filter((s) => s !== '' && s !== 'member' && !/^\d+$/.test(s));
}

/**
 * Masks values of a raw query string (query-protocol calls may carry their parameters, secrets
 * included, in the URL). Pairs that need no masking keep their exact encoding.
 */
export function maskQueryString(rawQuery: string, plan: MaskPlan, placeholders: Placeholders): string {
  if (!rawQuery) return rawQuery;
  const ctx: ValueContext = { plan, placeholders, keyIdInBody: hasAccessKeyId(rawQuery) };
  const paths = planPaths(plan);
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return rawQuery
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const key = decode(pair.slice(0, eq));
      const path = flatKeyPath(key);
      const o = maskValue(
        {
          value: decode(pair.slice(eq + 1)),
          node: nodeFor(paths, path),
          start: 0,
          end: 0,
          siblings: undefined,
        },
        ctx,
      );
      return o ? `${pair.slice(0, eq)}=${encodeURIComponent(o.record)}` : pair;
    })
    .join('&');
}
