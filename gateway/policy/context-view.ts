import type { ContextValue, RequestContext } from './types';

/**
 * Case-insensitive access to a request context. Context key names are case-insensitive in IAM,
 * but callers almost always spell them the way the policy does, so the exact and lower-case
 * spellings are tried first and the lower-cased index is only built on a miss.
 */
export class ContextView {
  private lowered: Map<string, ContextValue> | undefined;

  constructor(private readonly raw: RequestContext) {}

  /** `keyLower` is the key lower-cased at compile time; `keyAsWritten` is the policy's spelling. */
  get(keyLower: string, keyAsWritten: string): ContextValue {
    const raw = this.raw;
    const direct = raw[keyAsWritten] ?? raw[keyLower];
    if (isContextValue(direct)) return direct;
    let lowered = this.lowered;
    if (lowered === undefined) {
      lowered = new Map();
      for (const k of Object.keys(raw)) {
        const v = raw[k];
        if (isContextValue(v)) lowered.set(k.toLowerCase(), v);
      }
      this.lowered = lowered;
    }
    return lowered.get(keyLower);
  }

  /** A single value usable in a policy variable; multivalued and absent keys resolve to nothing. */
  scalar(keyLower: string, keyAsWritten: string): string | undefined {
    const v = this.get(keyLower, keyAsWritten);
    return typeof v === 'string' ? v : undefined;
  }
}

// A plain-object context inherits `constructor`, `toString`...: only own data values count.
function isContextValue(v: unknown): v is string | readonly string[] {
  return typeof v === 'string' || Array.isArray(v);
}
