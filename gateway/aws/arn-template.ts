import type { ArnScope } from './iam-arn';

/**
 * ARN formats as the Service Authorization Reference writes them
 * (`arn:${Partition}:kinesis:${Region}:${Account}:stream/${StreamName}`): parsed once, filled from
 * a call's scope and parameter values, and matched against ARNs a request carries.
 */
export interface ArnTemplate {
  readonly format: string;
  /** Variables other than Partition / Region / Account, in order of appearance. */
  readonly variables: readonly string[];
  /** True when `arn` has this format (service and literal parts equal, variables non-empty). */
  matches(arn: string): boolean;
  /** The ARN with every variable taken from `values`; undefined when one is missing. */
  fill(scope: ArnScope, values: Readonly<Record<string, string>>): string | undefined;
}

const SCOPE_VARIABLES = new Set(['Partition', 'Region', 'Account']);
const VARIABLE = /\$\{(\w+)\}/g;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class ParsedTemplate implements ArnTemplate {
  readonly variables: readonly string[];
  private readonly parts: ReadonlyArray<{ readonly text: string } | { readonly variable: string }>;
  private readonly regex: RegExp;

  constructor(readonly format: string) {
    const parts: Array<{ text: string } | { variable: string }> = [];
    const variables: string[] = [];
    let at = 0;
    let re = '';
    for (const m of format.matchAll(VARIABLE)) {
      const text = format.slice(at, m.index);
      const variable = m[1] ?? '';
      parts.push({ text }, { variable });
      re += escapeRegex(text);
      // The first five fields never hold a colon; the resource part's variables may hold anything.
      const inHead = format.slice(0, m.index).split(':').length <= 5;
      re += inHead ? (variable === 'Partition' ? '[^:]+' : '[^:]*') : '.+';
      if (!SCOPE_VARIABLES.has(variable) && !variables.includes(variable)) variables.push(variable);
      at = m.index + m[0].length;
    }
    parts.push({ text: format.slice(at) });
    re += escapeRegex(format.slice(at));
    this.parts = parts;
    this.variables = variables;
    this.regex = new RegExp(`^${re}$`);
  }

  matches(arn: string): boolean {
    return this.regex.test(arn);
  }

  fill(scope: ArnScope, values: Readonly<Record<string, string>>): string | undefined {
    let out = '';
    for (const p of this.parts) {
      if ('text' in p) {
        out += p.text;
        continue;
      }
      const v =
        p.variable === 'Partition'
          ? scope.partition
          : p.variable === 'Region'
            ? scope.region
            : p.variable === 'Account'
              ? scope.account
              : values[p.variable];
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
}

const cache = new Map<string, ArnTemplate>();

export function arnTemplate(format: string): ArnTemplate {
  let t = cache.get(format);
  if (t === undefined) {
    t = new ParsedTemplate(format);
    cache.set(format, t);
  }
  return t;
}
