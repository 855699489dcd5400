/**
 * What an approval shows of a call's parameters. The prompt travels to the editor, the timeline
 * and the CLI and is recorded, so secrets in request parameters (PutSecretValue's SecretString,
 * a password, key material) must not ride along.
 *
 * Hook: the gateway builds the ApprovalManager with a `ParamsMasker`; this name-based redaction
 * is the stand-in until the masking engine (gateway/masking) provides one driven by its catalogue
 * and the workspace's mask rules. Swap it in start-gateway.ts.
 */

export interface MaskTarget {
  readonly service: string;
  readonly operation?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type ParamsMasker = (target: MaskTarget) => Readonly<Record<string, unknown>>;

export const REDACTED = '***';

/** Field names that carry secrets in AWS APIs (matched case-insensitively, anywhere in the name). */
const SECRET_NAME =
  /secret|password|passphrase|passwd|token|credential|privatekey|private_key|plaintext|keymaterial|ciphertextblob|authparameters|sessiontoken|accesskey(?!id)|signature/i;

const MAX_DEPTH = 12;

function redactValue(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      Object.defineProperty(out, k, {
        value: SECRET_NAME.test(k) ? REDACTED : redactValue(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** Drops the values of fields whose names say they are secret, at any depth. */
export const redactSecretFields: ParamsMasker = (target) =>
  redactValue(target.params, 0) as Readonly<Record<string, unknown>>;

const LONG_STRING = 2048;

function shrinkValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string' && v.length > LONG_STRING) return `${v.slice(0, 256)}… (${v.length} characters)`;
  if (depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => shrinkValue(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      Object.defineProperty(out, k, {
        value: shrinkValue(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v;
}

/** Long values (a Lambda zip, a template body) shortened: a prompt is read, not parsed. */
export function shrinkParams(params: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return shrinkValue(params, 0) as Readonly<Record<string, unknown>>;
}
