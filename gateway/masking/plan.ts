import { catalogueFields, EVERYWHERE } from './catalogue-lookup';
import type { LinearPattern } from './linear-pattern';
import type { CompiledMaskRule, MaskCall } from './rules';
import type { FieldSpec, MaskDirection, MaskSource } from './types';

export interface PlannedField {
  readonly spec: FieldSpec;
  readonly source: MaskSource;
  readonly recordingOnly: boolean;
}

export interface PlannedPattern {
  readonly pattern: LinearPattern;
  readonly source: MaskSource;
  readonly recordingOnly: boolean;
}

/** Everything to mask in one body of one call. */
export interface MaskPlan {
  /** Placeholder scope: the service model id. */
  readonly scope: string;
  readonly direction: MaskDirection;
  readonly fields: readonly PlannedField[];
  readonly patterns: readonly PlannedPattern[];
  /** Secret shapes reach the agent (recording-only) when a workspace rule says so for these calls. */
  readonly shapesRecordingOnly: boolean;
  /**
   * The catalogue or a workspace rule names secret fields for this call: a body that cannot be
   * read (too large, unknown encoding, not JSON/XML) must not pass to the agent unmasked.
   */
  readonly strict: boolean;
}

/** Builds the plan for one call and direction from the catalogue and the workspace's rules. */
export function planFor(
  call: MaskCall,
  direction: MaskDirection,
  rules: readonly CompiledMaskRule[],
): MaskPlan {
  const selected = rules.filter((r) => r.selects(call));
  const relaxed = selected.some((r) => r.modeOnly && r.mode === 'recording-only');
  const builtIn = catalogueFields(call.service, call.operation)[direction];
  const fields: PlannedField[] = builtIn.map((spec) => ({
    spec,
    source: 'catalogue',
    recordingOnly: relaxed,
  }));
  const strictFields = fields.length;
  const patterns: PlannedPattern[] = [];
  for (const r of selected) {
    const recordingOnly = r.mode === 'recording-only';
    for (const spec of r.fields) fields.push({ spec, source: `rule:${r.id}`, recordingOnly });
    if (r.pattern) patterns.push({ pattern: r.pattern, source: `rule:${r.id}`, recordingOnly });
  }
  const ruleFields = fields.length - strictFields;
  for (const spec of EVERYWHERE[direction])
    fields.push({ spec, source: 'catalogue', recordingOnly: relaxed });
  return {
    scope: call.service,
    direction,
    fields,
    patterns,
    shapesRecordingOnly: relaxed,
    strict: strictFields + ruleFields > 0,
  };
}
