import type { MaskPlan } from './plan';
import { displayPath, type PathNode } from './path-match';
import { isPlaceholder, type Placeholders } from './placeholder';
import { maskShapes } from './shapes';
import type { FoundValue, MaskSource } from './types';

export interface ValueHit {
  readonly field: string;
  readonly source: MaskSource;
  readonly recordingOnly: boolean;
}

/** What one string value becomes: in the recording, and in what the agent receives. */
export interface ValueOutcome {
  readonly record: string;
  readonly agent: string;
  readonly hits: readonly ValueHit[];
}

export interface ValueContext {
  readonly plan: MaskPlan;
  readonly placeholders: Placeholders;
  /** The body holds an AWS access key id (arms the secret-key detector). */
  readonly keyIdInBody: boolean;
}

function fieldName(node: PathNode): string {
  return node.parent ? node.name : 'value';
}

/** Masks one value: whole when a planned field names it, else the secret shapes inside it. */
export function maskValue(found: FoundValue, ctx: ValueContext): ValueOutcome | undefined {
  const { value, node } = found;
  if (value.length === 0 || isPlaceholder(value)) return undefined;
  const { plan, placeholders } = ctx;
  let fieldHit: { source: MaskSource; agentToo: boolean; base64: boolean } | undefined;
  for (const i of node.hits) {
    const f = plan.fields[i];
    if (!f) continue;
    const when = f.spec.when;
    if (when && found.siblings?.get(when.sibling.toLowerCase()) !== when.equals) continue;
    const unless = f.spec.unless;
    const given = unless && found.siblings?.get(unless.sibling.toLowerCase());
    if (unless && given !== undefined && unless.oneOf.includes(given)) continue;
    const agentToo = !f.recordingOnly;
    if (!fieldHit || (agentToo && !fieldHit.agentToo))
      fieldHit = { source: f.source, agentToo, base64: f.spec.base64 === true };
  }
  if (fieldHit) {
    const ph = placeholders.make(plan.direction, plan.scope, fieldName(node), value);
    const masked = fieldHit.base64 ? Buffer.from(ph).toString('base64') : ph;
    return {
      record: ph,
      agent: fieldHit.agentToo ? masked : value,
      hits: [{ field: displayPath(node), source: fieldHit.source, recordingOnly: !fieldHit.agentToo }],
    };
  }
  return maskInside(found, ctx);
}

/** Rule patterns and secret shapes, replaced inside the value. */
function maskInside(found: FoundValue, ctx: ValueContext): ValueOutcome | undefined {
  const { plan, placeholders } = ctx;
  const hits: ValueHit[] = [];
  const field = (): string => displayPath(found.node) || 'body';
  let record = found.value;
  let agent = found.value;
  for (const p of plan.patterns) {
    const id = p.source.slice('rule:'.length);
    const sub = (m: string): string => placeholders.make(plan.direction, 'rule', id, m);
    const before = record;
    const r = p.pattern.replace(record, sub);
    if (r && r.count === 0) continue;
    // A value the matcher cannot finish within its budget is masked whole: never a stall, never a leak.
    record = r ? r.text : sub(record);
    if (!p.recordingOnly)
      agent = agent === before ? record : (p.pattern.replace(agent, sub)?.text ?? sub(agent));
    hits.push({ field: field(), source: p.source, recordingOnly: p.recordingOnly });
  }
  const replace = (kind: string, secret: string): string =>
    placeholders.make(plan.direction, 'shape', kind, secret);
  const shaped = maskShapes(record, ctx.keyIdInBody, replace);
  if (shaped) {
    if (!plan.shapesRecordingOnly)
      agent = agent === record ? shaped.text : (maskShapes(agent, ctx.keyIdInBody, replace)?.text ?? agent);
    record = shaped.text;
    for (const kind of new Set(shaped.kinds))
      hits.push({ field: field(), source: `shape:${kind}`, recordingOnly: plan.shapesRecordingOnly });
  }
  return hits.length > 0 ? { record, agent, hits } : undefined;
}
