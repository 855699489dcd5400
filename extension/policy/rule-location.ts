import { parseJsonWithPositions, type Position } from '../../gateway/policy-file/json-positions';

const RULE_LISTS = ['denyRules', 'askRules', 'maskRules'] as const;

/**
 * Where the rule with this id is written in a policy file's text: the start of its `"id"` value
 * (1-based line and column), or undefined when no rule has it or the text does not parse.
 */
export function locateRule(text: string, ruleId: string): Position | undefined {
  let located: ReturnType<typeof parseJsonWithPositions>;
  try {
    located = parseJsonWithPositions(text);
  } catch {
    return undefined;
  }
  const doc = located.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  for (const list of RULE_LISTS) {
    const rules = (doc as Record<string, unknown>)[list];
    if (!Array.isArray(rules)) continue;
    for (let i = 0; i < rules.length; i++) {
      const rule: unknown = rules[i];
      if (typeof rule === 'object' && rule !== null && (rule as { id?: unknown }).id === ruleId)
        return located.locate([list, i, 'id']);
    }
  }
  return undefined;
}
