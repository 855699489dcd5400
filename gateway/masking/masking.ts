import type { MaskRule, MaskRuleSource } from '../policy-file/types';
import { planFor, type MaskPlan } from './plan';
import { Placeholders } from './placeholder';
import { compileMaskRules, type CompiledMaskRule, type MaskCall } from './rules';
import type { MaskDirection } from './types';

const NO_RULES: MaskRuleSource = { maskRules: () => [] };

/**
 * The gateway's masking service: per-task placeholder keys (derived from the master key, so a
 * task's placeholders stay stable across restarts) and the plan for each call from the built-in
 * catalogue plus the mask rules of whatever workspace policy is in force.
 */
export class Masking {
  private readonly keys = new Map<string, Placeholders>();
  private compiledFrom: readonly MaskRule[] | undefined;
  private compiled: readonly CompiledMaskRule[] = [];

  constructor(
    private readonly masterKey: Buffer,
    private readonly rules: MaskRuleSource = NO_RULES,
  ) {
    // Refuses a short or empty master key now, at start, rather than on the first masked call.
    Placeholders.forTask(masterKey, 'key-check');
  }

  placeholders(taskId: string): Placeholders {
    let p = this.keys.get(taskId);
    if (!p) {
      if (this.keys.size > 1024) this.keys.clear();
      p = Placeholders.forTask(this.masterKey, taskId);
      this.keys.set(taskId, p);
    }
    return p;
  }

  plan(call: MaskCall, direction: MaskDirection): MaskPlan {
    const current = this.rules.maskRules();
    if (current !== this.compiledFrom) {
      this.compiled = compileMaskRules(current);
      this.compiledFrom = current;
    }
    return planFor(call, direction, this.compiled);
  }
}
