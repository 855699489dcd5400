import type { MaskMode, MaskRule } from '../policy-file/types';
import { fieldSpec, jsonPathSpec } from './field-path';
import { LinearPattern } from './linear-pattern';
import type { FieldSpec } from './types';

/** The call a rule is matched against: what the identify stage and the IAM mapping found. */
export interface MaskCall {
  /** Service model id (`secretsmanager`). */
  readonly service: string;
  readonly operation?: string;
  /** IAM actions the call needs (`secretsmanager:GetSecretValue`). */
  readonly actions: readonly string[];
}

export interface CompiledMaskRule {
  readonly id: string;
  readonly mode: MaskMode;
  readonly selects: (call: MaskCall) => boolean;
  readonly fields: readonly FieldSpec[];
  readonly pattern?: LinearPattern;
  /** A rule that names nothing to mask only changes how the built-in masking of its calls applies. */
  readonly modeOnly: boolean;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Compiles the workspace's mask rules (types owned by gateway/policy-file). The policy loader
 * validates rules (patterns with LinearPattern.compile, so a policy with a pattern the linear
 * matcher refuses does not load); anything this subset still cannot express is skipped rather
 * than allowed to break masking of the rest.
 */
export function compileMaskRules(rules: readonly MaskRule[]): CompiledMaskRule[] {
  const out: CompiledMaskRule[] = [];
  for (const r of rules) {
    const actions = r.actions?.map(globToRegExp);
    const selects = (call: MaskCall): boolean =>
      (r.service === undefined || r.service === call.service) &&
      (r.operation === undefined || r.operation === call.operation) &&
      (actions === undefined || actions.some((re) => call.actions.some((a) => re.test(a))));
    const fields: FieldSpec[] = [];
    for (const name of r.fields ?? []) {
      const spec = fieldSpec(name);
      fields.push({ ...spec, exactCase: name.split('.') });
    }
    for (const p of r.jsonPaths ?? []) {
      const spec = jsonPathSpec(p);
      if (spec) fields.push(spec);
    }
    let pattern: LinearPattern | undefined;
    if (r.pattern) {
      try {
        pattern = LinearPattern.compile(r.pattern);
      } catch {
        pattern = undefined;
      }
    }
    out.push({
      id: r.id,
      mode: r.mode ?? 'mask',
      selects,
      fields,
      pattern,
      modeOnly: fields.length === 0 && !r.pattern,
    });
  }
  return out;
}
