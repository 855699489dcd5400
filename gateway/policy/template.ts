import type { ContextView } from './context-view';
import type { Token } from './tokens';

/**
 * A policy string whose value may depend on the request (policy variables). Static strings are
 * resolved once at compile time; only strings that really hold variables pay at evaluation.
 */
export type Template = { readonly kind: 'static'; readonly value: string } | DynamicTemplate;

export interface DynamicTemplate {
  readonly kind: 'dynamic';
  readonly tokens: readonly Token[];
}

/** Builds a template from tokens parsed without wildcards (wildcard tokens do not occur). */
export function toTemplate(tokens: readonly Token[]): Template {
  if (!tokens.some((tk) => tk.t === 'var')) {
    let value = '';
    for (const tk of tokens) if (tk.t === 'lit') value += tk.s;
    return { kind: 'static', value };
  }
  return { kind: 'dynamic', tokens };
}

/** The resolved string, or undefined when a variable has no single value and no default. */
export function resolveTemplate(tpl: Template, ctx: ContextView | undefined): string | undefined {
  if (tpl.kind === 'static') return tpl.value;
  let out = '';
  for (const tk of tpl.tokens) {
    if (tk.t === 'lit') out += tk.s;
    else if (tk.t === 'var') {
      const v = resolveVariable(tk, ctx);
      if (v === undefined) return undefined;
      out += v;
    }
  }
  return out;
}

export function resolveVariable(
  tk: { readonly key: string; readonly keyLower: string; readonly fallback: string | undefined },
  ctx: ContextView | undefined,
): string | undefined {
  return ctx?.scalar(tk.keyLower, tk.key) ?? tk.fallback;
}
